import type { AdpulseConfig } from '@adpulse/config'
import { createEventCodec } from '@adpulse/events'
import type { OutgoingMessage, Producer } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import { Counter, Histogram, type Registry } from '@adpulse/observability'
import type { FastifyInstance } from 'fastify'
import { createKeyLookup } from './api-keys.ts'
import { type BodyFormat, parseEventsBody } from './parse-body.ts'
import { prepareBatch, type Rejection } from './prepare-batch.ts'

export interface IngestDeps {
  config: Pick<AdpulseConfig, 'ingest' | 'kafka' | 'reportingCurrency'>
  producer: Producer
  logger: Logger
  registry: Registry
  now?: () => number
}

/** Seconds a client should wait before retrying when Kafka cannot take the batch. */
const RETRY_AFTER_SECONDS = 5

/** Registers POST /v1/events: authenticate, parse, validate, encode, produce, answer. */
export function registerIngestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  const { config, producer } = deps
  const log = deps.logger.child({ component: 'ingest' })
  const now = deps.now ?? Date.now
  const codec = createEventCodec()
  const sourceOf = createKeyLookup(config.ingest.keys)
  const events = new Counter({
    name: 'adpulse_ingest_events_total',
    help: 'Events received by ingest, by outcome (accepted, rejected).',
    labelNames: ['outcome'],
    registers: [deps.registry],
  })
  const produceSeconds = new Histogram({
    name: 'adpulse_ingest_produce_duration_seconds',
    help: 'Time from produce call to acknowledgement by all in-sync replicas.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [deps.registry],
  })

  app.register(async (scope) => {
    // Bodies arrive as text and are parsed here, so bad JSON gets our answer, not a framework's.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(
      ['application/json', 'application/x-ndjson'],
      { parseAs: 'string', bodyLimit: config.ingest.maxBodyBytes },
      (_request, body, done) => done(null, body),
    )

    scope.post('/v1/events', async (request, reply) => {
      const source = sourceOf(request.headers.authorization)
      if (source === null) {
        return reply
          .code(401)
          .send({ error: 'unauthorized', message: 'send Authorization: Bearer <ingest key>' })
      }
      const format: BodyFormat = request.headers['content-type']?.startsWith('application/x-ndjson')
        ? 'ndjson'
        : 'json'
      const parsed = parseEventsBody(String(request.body ?? ''), format)
      if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.error })
      if (parsed.items.length > config.ingest.maxEventsPerRequest) {
        return reply.code(413).send({
          error: 'too_many_events',
          message: `at most ${config.ingest.maxEventsPerRequest} events per request, got ${parsed.items.length}`,
        })
      }

      const receivedAt = now()
      const batch = prepareBatch(parsed.items, {
        now: receivedAt,
        allowedLatenessMs: config.ingest.allowedLatenessMs,
        maxClockSkewMs: config.ingest.maxClockSkewMs,
        reportingCurrency: config.reportingCurrency,
        source,
      })
      const accepted: OutgoingMessage[] = batch.accepted.map((event) => ({
        key: event.campaign_id,
        value: codec.encode(event),
      }))
      const deadLetters = batch.rejected.map((rejection) => deadLetter(rejection, source, receivedAt))

      const started = process.hrtime.bigint()
      try {
        await Promise.all([
          producer.send(config.kafka.topics.events, accepted),
          producer.send(config.kafka.topics.dlq, deadLetters),
        ])
      } catch (err) {
        log.error({ err, source, events: accepted.length }, 'produce failed; answering 503')
        return reply
          .code(503)
          .header('Retry-After', String(RETRY_AFTER_SECONDS))
          .send({ error: 'unavailable', message: 'the event log is not accepting writes; retry later' })
      }
      produceSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9)
      events.inc({ outcome: 'accepted' }, accepted.length)
      events.inc({ outcome: 'rejected' }, batch.rejected.length)

      return reply.code(202).send({
        accepted: accepted.length,
        rejected: batch.rejected.map(({ index, event_id, errors }) => ({ index, event_id, errors })),
      })
    })
  })
}

/** A rejected event as kept on the dead-letter topic: what came, why, from whom, when. */
function deadLetter(rejection: Rejection, source: string, receivedAt: number): OutgoingMessage {
  return {
    key: source,
    value: Buffer.from(
      JSON.stringify({
        reason: 'invalid_event',
        stage: 'ingest',
        source,
        received_at: new Date(receivedAt).toISOString(),
        index: rejection.index,
        event_id: rejection.event_id,
        errors: rejection.errors,
        input: rejection.input,
      }),
    ),
    headers: { 'content-type': 'application/json' },
  }
}
