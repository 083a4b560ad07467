import { availableParallelism } from 'node:os'
import type { EnvReader } from './env-reader.ts'
import { readNamedKeys } from './named-keys.ts'

export interface IngestConfig {
  /**
   * `ADPULSE_INGEST_KEYS`, comma-separated `source:key` pairs (a bare `key` gets
   * the source `key<N>`). ADPULSE_INGEST_KEYS or ADPULSE_INGEST_KEYS_FILE is required
   * when NODE_ENV=production; without either, the development key `demo:adpulse-dev-key`.
   */
  keys: ReadonlyMap<string, string>
  /**
   * `ADPULSE_INGEST_KEYS_FILE`, unset by default: a file of keys (JSON or
   * `source:key` lines, see services/ingest/src/key-file.ts) added to
   * ADPULSE_INGEST_KEYS, re-read on SIGHUP and when it changes, so keys rotate
   * without a restart.
   */
  keysFile: string | undefined
  /** `ADPULSE_INGEST_MAX_BODY_BYTES`, default 5 MiB: request bodies as sent (gzip or not); larger get 413. */
  maxBodyBytes: number
  /**
   * `ADPULSE_INGEST_MAX_INFLATED_BYTES`, default 20 MiB: a gzip body is inflated
   * up to this size and refused with 413 beyond it (gzip bombs), so memory stays bounded.
   */
  maxInflatedBytes: number
  /** `ADPULSE_INGEST_MAX_EVENTS`, default 10000: events per request; more get 413. */
  maxEventsPerRequest: number
  /**
   * `ADPULSE_INGEST_REQUEST_TIMEOUT`, default 10s: a request not acknowledged by
   * Kafka by then is answered 503 with Retry-After (never 202).
   */
  requestTimeoutMs: number
  /**
   * `ADPULSE_INGEST_MAX_BUFFERED_BYTES`, default 64 MiB: encoded records waiting
   * for or in a produce call. Beyond it requests get 503 at once: memory stays
   * bounded when Kafka is slow or down.
   */
  maxBufferedBytes: number
  /**
   * `ADPULSE_INGEST_RATE_LIMIT`, default 50000: events per second per key (token
   * bucket); 0 turns the limit off. A key over it gets 429 with Retry-After, other keys are unaffected.
   */
  rateLimitPerSecond: number
  /**
   * `ADPULSE_INGEST_RATE_BURST`, default twice the rate: events a key may send at
   * once. Must be at least ADPULSE_INGEST_MAX_EVENTS, or a full request could never pass.
   */
  rateBurst: number
  /**
   * `ADPULSE_INGEST_SIGNATURES`, default `optional`: HMAC-SHA256 request
   * signatures. `optional` checks a signature when one is sent (and for keys the
   * key file marks `require_signature`), `required` refuses unsigned requests,
   * `off` ignores signature headers.
   */
  signatures: 'off' | 'optional' | 'required'
  /**
   * `ADPULSE_INGEST_SIGNATURE_TOLERANCE`, default 5m: how far a signed request's
   * timestamp may be from the server clock; a signature is remembered that long to refuse replays.
   */
  signatureToleranceMs: number
  /**
   * `ADPULSE_INGEST_WORKERS`, default `auto` (one less than the cores, at
   * least 1, at most 4): worker threads that read, validate and encode request
   * bodies, so HTTP and Kafka keep the main thread; 0 does it all on the main thread.
   */
  workers: number
}

const DEV_KEYS = 'demo:adpulse-dev-key'
const MAX_WORKERS = 64

/** ADPULSE_INGEST_WORKERS: `auto` or a count. */
function readWorkers(r: EnvReader): number {
  const text = r.string('ADPULSE_INGEST_WORKERS', 'auto').trim()
  if (text === 'auto') return Math.min(4, Math.max(1, availableParallelism() - 1))
  if (!/^\d+$/.test(text) || Number(text) > MAX_WORKERS) {
    r.fail(
      `ADPULSE_INGEST_WORKERS: expected auto or a count from 0 to ${MAX_WORKERS}, got ${JSON.stringify(text)}`,
    )
    return 0
  }
  return Number(text)
}

export function readIngest(r: EnvReader, production: boolean): IngestConfig {
  const keysFile = r.optionalString('ADPULSE_INGEST_KEYS_FILE')
  // The development key only outside production, and when no key comes from anywhere else.
  const keys = readNamedKeys(r, 'ADPULSE_INGEST_KEYS', {
    fallback: keysFile === undefined && !production ? [DEV_KEYS] : [],
    what: 'source',
    required: production && keysFile === undefined,
    alternative: 'ADPULSE_INGEST_KEYS_FILE',
  })
  const maxEventsPerRequest = r.int('ADPULSE_INGEST_MAX_EVENTS', 10_000, { min: 1 })
  const rateLimitPerSecond = r.int('ADPULSE_INGEST_RATE_LIMIT', 50_000)
  const rateBurst = r.int('ADPULSE_INGEST_RATE_BURST', 2 * rateLimitPerSecond)
  if (rateLimitPerSecond > 0 && rateBurst < maxEventsPerRequest) {
    r.fail(
      `ADPULSE_INGEST_RATE_BURST: must be at least ADPULSE_INGEST_MAX_EVENTS (${maxEventsPerRequest}), or a full request could never pass`,
    )
  }
  const requestTimeoutMs = r.durationMs('ADPULSE_INGEST_REQUEST_TIMEOUT', 10_000)
  if (requestTimeoutMs < 100) r.fail('ADPULSE_INGEST_REQUEST_TIMEOUT: must be at least 100ms')
  return {
    keys,
    keysFile,
    maxBodyBytes: r.int('ADPULSE_INGEST_MAX_BODY_BYTES', 5 * 1024 * 1024, { min: 1024 }),
    maxInflatedBytes: r.int('ADPULSE_INGEST_MAX_INFLATED_BYTES', 20 * 1024 * 1024, { min: 1024 }),
    maxEventsPerRequest,
    requestTimeoutMs,
    maxBufferedBytes: r.int('ADPULSE_INGEST_MAX_BUFFERED_BYTES', 64 * 1024 * 1024, { min: 1024 }),
    rateLimitPerSecond,
    rateBurst,
    signatures: r.oneOf('ADPULSE_INGEST_SIGNATURES', ['off', 'optional', 'required'] as const, 'optional'),
    signatureToleranceMs: r.durationMs('ADPULSE_INGEST_SIGNATURE_TOLERANCE', 5 * 60_000),
    workers: readWorkers(r),
  }
}
