import { Counter, Gauge, Histogram, type Registry } from '@adpulse/observability'

/** Why a whole request was refused: a closed list, the `reason` label of adpulse_ingest_requests_refused_total. */
export type RefusalReason =
  | 'unauthorized'
  | 'signature_required'
  | 'bad_signature'
  | 'signature_expired'
  | 'replayed_request'
  | 'rate_limited'
  | 'body_too_large'
  | 'inflated_body_too_large'
  | 'unsupported_media_type'
  | 'unsupported_encoding'
  | 'undecodable_body'
  | 'unparsable_body'
  | 'too_many_events'
  | 'unavailable'

export interface IngestMetrics {
  events: Counter<'outcome'>
  rejected: Counter<'reason'>
  refused: Counter<'reason'>
  produceSeconds: Histogram
  produceMessages: Histogram
  keyReloads: Counter<'result'>
  keys: Gauge
}

/**
 * The ingest metrics (requests by route and status, and request latency, are
 * the HTTP shell's adpulse_http_*). `bufferedBytes` is read at scrape time.
 */
export function createIngestMetrics(registry: Registry, bufferedBytes: () => number): IngestMetrics {
  const registers = [registry]
  new Gauge({
    name: 'adpulse_ingest_buffered_bytes',
    help: 'Bytes of encoded records waiting for, or in, a produce call to Kafka.',
    registers,
    collect() {
      this.set(bufferedBytes())
    },
  })
  return {
    events: new Counter({
      name: 'adpulse_ingest_events_total',
      help: 'Events received by ingest, by outcome (accepted, rejected).',
      labelNames: ['outcome'],
      registers,
    }),
    rejected: new Counter({
      name: 'adpulse_ingest_events_rejected_total',
      help: 'Events rejected by validation (and kept on the dead-letter topic), by the kind of their first error.',
      labelNames: ['reason'],
      registers,
    }),
    refused: new Counter({
      name: 'adpulse_ingest_requests_refused_total',
      help: 'Whole requests refused (401, 413, 415, 400, 429, 503), by reason.',
      labelNames: ['reason'],
      registers,
    }),
    produceSeconds: new Histogram({
      name: 'adpulse_ingest_produce_duration_seconds',
      help: 'Time of one produce call, from send to acknowledgement by all in-sync replicas.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    produceMessages: new Histogram({
      name: 'adpulse_ingest_produce_batch_messages',
      help: 'Messages per produce call: concurrent requests share one call.',
      buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000, 25000],
      registers,
    }),
    keyReloads: new Counter({
      name: 'adpulse_ingest_key_reloads_total',
      help: 'Reloads of the ingest key file, by result (ok, error: the keys in force stayed).',
      labelNames: ['result'],
      registers,
    }),
    keys: new Gauge({ name: 'adpulse_ingest_keys', help: 'Ingest keys in force.', registers }),
  }
}
