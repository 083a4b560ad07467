import type { AdpulseConfig } from '@adpulse/config'
import { type CodecSchemas, createEventCodec, type DeadLetterReason } from '@adpulse/events'
import { KafkaAdapterError, type OutgoingMessage, ProduceBatcher, type Producer } from '@adpulse/kafka'
import type { Logger, Registry } from '@adpulse/observability'
import { deadLetterCounter } from '@adpulse/observability'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  Admission,
  type AdmissionTicket,
  type Refusable,
  type Refusal,
  type Refused,
  refused,
} from './admission.ts'
import { bodyOf, headerOf, type Refuse, registerBodyIntake } from './body-intake.ts'
import { bodyDeadLetter, eventDeadLetter } from './dead-letter.ts'
import { decodeBody } from './decode-body.ts'
import { createIngestMetrics } from './ingest-metrics.ts'
import type { KeyEntry } from './key-file.ts'
import { KeyStore } from './key-store.ts'
import { type BodyFormat, type BodyItem, parseEventsBody } from './parse-body.ts'
import { prepareBatch, type Rejection } from './prepare-batch.ts'
import { SIGNATURE_HEADER, type SignedRequest, TIMESTAMP_HEADER } from './signature.ts'

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

/** 503 with Retry-After: a full produce buffer is a burst (retry soon), any other failure an outage. */
function unavailable(err: unknown): Refused {
  const busy = err instanceof KafkaAdapterError && err.code === 'BUFFER_FULL'
  return refused(
    503,
    'unavailable',
    busy
      ? 'ingest is at capacity: Kafka does not keep up; retry later'
      : 'the event log is not accepting writes; retry later',
    busy ? RETRY_AFTER_BUSY_SECONDS : RETRY_AFTER_UNAVAILABLE_SECONDS,
  )
}

interface RawBody {
  raw: Buffer
  format: BodyFormat
}

const signedRequest = (request: FastifyRequest, body: Buffer): SignedRequest => ({
  timestamp: headerOf(request, TIMESTAMP_HEADER),
  signature: headerOf(request, SIGNATURE_HEADER),
  body,
})

/**
 * POST /v1/events: admit (key, rate, signature), read (size, gzip, UTF-8,
 * JSON), take the rate tokens, validate, encode, produce, answer. Refusals of
 * a whole request happen as early as they can, so a bad or greedy sender
 * costs little; what admission held is given back unless the request was taken.
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
  const admission = new Admission({ keys, limits })
  const ticketOf = new WeakMap<FastifyRequest, AdmissionTicket>()

  const refuse: Refuse = (reply, status, reason, message, retryAfterSeconds) => {
    metrics.refused.inc({ reason })
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds))
    return reply.code(status).send({ error: reason, message })
  }
  const refuseWith = (reply: FastifyReply, refusal: Refusal) =>
    refuse(reply, refusal.status, refusal.reason, refusal.message, refusal.retryAfterSeconds)
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
    // Before the body is read: an unknown key or a sender over its rate costs almost nothing.
    scope.addHook('onRequest', async (request, reply) => {
      const opened = admission.open(request.headers.authorization)
      if (!opened.ok) return refuseWith(reply, opened.refusal)
      ticketOf.set(request, opened.ticket)
    })

    registerBodyIntake(scope, limits.maxBodyBytes, refuse, (err) =>
      log.error({ err }, 'ingest failed unexpectedly'),
    )

    /** The items of a body (gunzipped, UTF-8, JSON or NDJSON, not too many), or why it is refused (bad bodies dead-lettered). */
    const readEvents = async (
      request: FastifyRequest,
      { raw, format }: RawBody,
      key: KeyEntry,
      receivedAt: number,
      reply: FastifyReply,
    ): Promise<Refusable<{ items: BodyItem[] }>> => {
      const decoded = await decodeBody(raw, headerOf(request, 'content-encoding'), limits.maxInflatedBytes)
      if (!decoded.ok) {
        if (decoded.error === 'undecodable_body') {
          await keepBody(
            bodyDeadLetter('undecodable_body', decoded.message, { bytes: raw }, key.source, receivedAt),
            'undecodable_body',
            reply,
          )
        }
        return refused(decoded.status, decoded.error, decoded.message)
      }
      const parsed = parseEventsBody(decoded.text, format)
      if (!parsed.ok) {
        await keepBody(
          bodyDeadLetter('unparsable_body', parsed.error, { text: decoded.text }, key.source, receivedAt),
          'unparsable_body',
          reply,
        )
        return refused(400, 'unparsable_body', parsed.error)
      }
      if (parsed.items.length > limits.maxEventsPerRequest) {
        return refused(
          413,
          'too_many_events',
          `at most ${limits.maxEventsPerRequest} events per request, got ${parsed.items.length}`,
        )
      }
      return parsed
    }

    /** Validates and encodes the items, and hands the events and their dead letters to Kafka (503 when it does not take them). */
    const produce = async (
      parsed: { items: BodyItem[] },
      key: KeyEntry,
      receivedAt: number,
      reply: FastifyReply,
    ): Promise<Refusable<{ accepted: number; rejected: Rejection[] }>> => {
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
        log.warn(
          { err, source: key.source, events: accepted.length },
          'not acknowledged by Kafka; answering 503',
        )
        return unavailable(err)
      }
      return { ok: true, accepted: accepted.length, rejected: batch.rejected }
    }

    const answerAccepted = (reply: FastifyReply, accepted: number, rejected: Rejection[]) => {
      metrics.events.inc({ outcome: 'accepted' }, accepted)
      metrics.events.inc({ outcome: 'rejected' }, rejected.length)
      for (const rejection of rejected) {
        metrics.rejected.inc({ reason: rejection.reason })
        deadLettered(rejection.deadLetterReason)
      }
      return reply.code(202).send({
        accepted,
        rejected: rejected.map(({ index, event_id, errors }) => ({ index, event_id, errors })),
      })
    }

    scope.post('/v1/events', async (request, reply) => {
      const ticket = ticketOf.get(request) as AdmissionTicket
      // Whatever ends the request before commit() gives its rate tokens and its signature back.
      try {
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
        const signature = ticket.verify(signedRequest(request, body.raw), receivedAt)
        if (!signature.ok) return refuseWith(reply, signature.refusal)
        const parsed = await readEvents(request, body, ticket.key, receivedAt, reply)
        if (!parsed.ok) {
          // Refused for what it holds: a resend would be refused alike, so it stays a replay.
          ticket.commit()
          return refuseWith(reply, parsed.refusal)
        }
        const taken = ticket.take(parsed.items.length)
        if (!taken.ok) return refuseWith(reply, taken.refusal)
        const produced = await produce(parsed, ticket.key, receivedAt, reply)
        if (!produced.ok) return refuseWith(reply, produced.refusal)
        ticket.commit()
        return answerAccepted(reply, produced.accepted, produced.rejected)
      } finally {
        ticket.rollback()
      }
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
