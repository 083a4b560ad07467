import type { AdpulseConfig } from '@adpulse/config'
import { type CodecSchemas, createEventCodec, type DeadLetterReason } from '@adpulse/events'
import { KafkaAdapterError, type OutgoingMessage, ProduceBatcher, type Producer } from '@adpulse/kafka'
import type { Logger, Registry } from '@adpulse/observability'
import { deadLetterCounter } from '@adpulse/observability'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { bodyOf, headerOf, type Refuse, registerBodyIntake } from './body-intake.ts'
import { bodyDeadLetter, eventDeadLetter } from './dead-letter.ts'
import { decodeBody } from './decode-body.ts'
import { createIngestMetrics } from './ingest-metrics.ts'
import type { KeyEntry } from './key-file.ts'
import { KeyStore } from './key-store.ts'
import { parseEventsBody } from './parse-body.ts'
import { prepareBatch } from './prepare-batch.ts'
import { type RateLimit, RateLimiter } from './rate-limiter.ts'
import { ReplayGuard } from './replay-guard.ts'
import { SIGNATURE_HEADER, SIGNATURE_MESSAGES, TIMESTAMP_HEADER, verifySignature } from './signature.ts'

export interface IngestDeps {
  config: Pick<AdpulseConfig, 'contract' | 'ingest' | 'kafka' | 'reportingCurrency'>
  producer: Producer
  logger: Logger
  registry: Registry
  /** Schemas events are written with; default the built-in table. */
  schemas?: CodecSchemas
  /** Epoch ms; injected by tests. */
  now?: () => number
  /** How often the key file is checked for a change; default 1000 ms. */
  keyWatchIntervalMs?: number
}

export interface IngestRoutes {
  keys: KeyStore
  /** Stops watching the key file and waits for produce calls in flight. */
  stop(): Promise<void>
}

/** Retry-After when the produce buffer is full (a burst) and when Kafka fails or is slow (an outage). */
const RETRY_AFTER_BUSY_SECONDS = 1
const RETRY_AFTER_UNAVAILABLE_SECONDS = 5
/**
 * POST /v1/events: authenticate (key, rate, signature), read (size, gzip,
 * UTF-8, JSON), validate, encode, produce, answer. Refusals of a whole request
 * happen as early as they can, so a bad or greedy sender costs little.
 */
export async function registerIngestRoutes(app: FastifyInstance, deps: IngestDeps): Promise<IngestRoutes> {
  const { config, producer } = deps
  const limits = config.ingest
  const log = deps.logger.child({ component: 'ingest' })
  const now = deps.now ?? Date.now
  const codec = createEventCodec(deps.schemas)
  const { topics } = config.kafka
  const batcher = new ProduceBatcher(producer, {
    lingerMs: config.kafka.producer.lingerMs,
    maxBatchBytes: config.kafka.producer.maxBatchBytes,
    maxBufferedBytes: limits.maxBufferedBytes,
    onSend: ({ messages, seconds, ok }) => {
      if (!ok) return
      metrics.produceSeconds.observe(seconds)
      metrics.produceMessages.observe(messages)
    },
  })
  const metrics = createIngestMetrics(deps.registry, () => batcher.bufferedBytes)
  // Late and future events at 0 from the start: the late-event rate exists before the first one.
  const deadLettered = deadLetterCounter(deps.registry, 'ingest', ['too_late', 'too_far_in_future'])
  const keys = new KeyStore({
    envKeys: limits.keys,
    file: limits.keysFile,
    logger: log,
    ...(deps.keyWatchIntervalMs === undefined ? {} : { watchIntervalMs: deps.keyWatchIntervalMs }),
    onReload: (result, count) => {
      metrics.keyReloads.inc({ result })
      metrics.keys.set(count)
    },
  })
  await keys.load()
  metrics.keys.set(keys.size)
  keys.watch()
  const limiter = new RateLimiter()
  const replays = new ReplayGuard(limits.signatureToleranceMs)
  const keyOf = new WeakMap<FastifyRequest, KeyEntry>()

  const limitOf = (key: KeyEntry): RateLimit =>
    key.eventsPerSecond === null
      ? { perSecond: limits.rateLimitPerSecond, burst: limits.rateBurst }
      : {
          perSecond: key.eventsPerSecond,
          burst: Math.max(2 * key.eventsPerSecond, limits.maxEventsPerRequest),
        }
  const refuse: Refuse = (reply, status, reason, message, retryAfterSeconds) => {
    metrics.refused.inc({ reason })
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds))
    return reply.code(status).send({ error: reason, message })
  }
  const remainingMs = (reply: FastifyReply) => Math.max(1, limits.requestTimeoutMs - reply.elapsedTime)
  /** Keeps a refused body on the dead-letter topic, best effort: the sender gets its 400 either way. */
  const keepBody = async (letter: OutgoingMessage, reason: DeadLetterReason, reply: FastifyReply) => {
    try {
      await batcher.submit([{ topic: topics.dlq, messages: [letter] }], remainingMs(reply))
      deadLettered(reason)
    } catch (err) {
      log.warn({ err }, 'a refused body could not be kept on the dead-letter topic')
    }
  }

  app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const key = keys.lookup(request.headers.authorization)
      if (key === null) {
        return refuse(reply, 401, 'unauthorized', 'send Authorization: Bearer <ingest key>')
      }
      // Before the body is read: a sender over its rate costs almost nothing.
      const decision = limiter.check(key.source, limitOf(key))
      if (!decision.ok) {
        return refuse(
          reply,
          429,
          'rate_limited',
          'over the event rate of this key',
          decision.retryAfterSeconds,
        )
      }
      keyOf.set(request, key)
    })

    registerBodyIntake(scope, limits.maxBodyBytes, refuse, (err) =>
      log.error({ err }, 'ingest failed unexpectedly'),
    )

    scope.post('/v1/events', async (request, reply) => {
      const key = keyOf.get(request) as KeyEntry
      const receivedAt = now()
      const body = bodyOf(request)
      if (body === null) {
        return refuse(
          reply,
          415,
          'unsupported_media_type',
          'send Content-Type: application/json or application/x-ndjson',
        )
      }
      const { raw, format } = body

      const signature = verifySignature(
        {
          key,
          timestamp: headerOf(request, TIMESTAMP_HEADER),
          signature: headerOf(request, SIGNATURE_HEADER),
          body: raw,
          nowMs: receivedAt,
        },
        limits.signatures,
        limits.signatureToleranceMs,
        replays,
      )
      if (!signature.ok) return refuse(reply, 401, signature.error, SIGNATURE_MESSAGES[signature.error])
      // A request refused for load (429, 503) was not taken: its signed retry is no replay.
      const release = () => {
        if (signature.claimed !== null) replays.release(signature.claimed)
      }

      const decoded = await decodeBody(raw, headerOf(request, 'content-encoding'), limits.maxInflatedBytes)
      if (!decoded.ok) {
        if (decoded.error === 'undecodable_body') {
          await keepBody(
            bodyDeadLetter('undecodable_body', decoded.message, { bytes: raw }, key.source, receivedAt),
            'undecodable_body',
            reply,
          )
        }
        return refuse(reply, decoded.status, decoded.error, decoded.message)
      }
      const parsed = parseEventsBody(decoded.text, format)
      if (!parsed.ok) {
        await keepBody(
          bodyDeadLetter('unparsable_body', parsed.error, { text: decoded.text }, key.source, receivedAt),
          'unparsable_body',
          reply,
        )
        return refuse(reply, 400, 'unparsable_body', parsed.error)
      }
      if (parsed.items.length > limits.maxEventsPerRequest) {
        return refuse(
          reply,
          413,
          'too_many_events',
          `at most ${limits.maxEventsPerRequest} events per request, got ${parsed.items.length}`,
        )
      }
      const limit = limitOf(key)
      const taken = limiter.take(key.source, parsed.items.length, limit)
      if (!taken.ok) {
        release()
        return refuse(reply, 429, 'rate_limited', 'over the event rate of this key', taken.retryAfterSeconds)
      }

      const batch = prepareBatch(parsed.items, {
        now: receivedAt,
        ...config.contract,
        reportingCurrency: config.reportingCurrency,
        source: key.source,
      })
      const accepted: OutgoingMessage[] = batch.accepted.map((event) => ({
        key: event.campaign_id,
        value: codec.encode(event),
      }))
      const deadLetters = batch.rejected.map((r) => eventDeadLetter(r, key.source, receivedAt))
      try {
        await batcher.submit(
          [
            { topic: topics.events, messages: accepted },
            { topic: topics.dlq, messages: deadLetters },
          ],
          remainingMs(reply),
        )
      } catch (err) {
        release()
        limiter.refund(key.source, parsed.items.length, limit)
        const busy = err instanceof KafkaAdapterError && err.code === 'BUFFER_FULL'
        log.warn(
          { err, source: key.source, events: accepted.length },
          'not acknowledged by Kafka; answering 503',
        )
        return refuse(
          reply,
          503,
          'unavailable',
          busy
            ? 'ingest is at capacity: Kafka does not keep up; retry later'
            : 'the event log is not accepting writes; retry later',
          busy ? RETRY_AFTER_BUSY_SECONDS : RETRY_AFTER_UNAVAILABLE_SECONDS,
        )
      }
      metrics.events.inc({ outcome: 'accepted' }, accepted.length)
      metrics.events.inc({ outcome: 'rejected' }, batch.rejected.length)
      for (const rejection of batch.rejected) {
        metrics.rejected.inc({ reason: rejection.reason })
        deadLettered(rejection.deadLetterReason)
      }

      return reply.code(202).send({
        accepted: accepted.length,
        rejected: batch.rejected.map(({ index, event_id, errors }) => ({ index, event_id, errors })),
      })
    })
  })

  return {
    keys,
    async stop() {
      keys.stop()
      await batcher.drain()
    },
  }
}
