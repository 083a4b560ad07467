import type { AdpulseConfig } from '@adpulse/config'
import type { DeadLetterReason } from '@adpulse/events'
import { KafkaAdapterError, type OutgoingMessage, type ProduceBatcher } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type AdmissionTicket, type Refusable, type Refusal, type Refused, refused } from './admission.ts'
import { bodyOf, headerOf, type Refuse } from './body-intake.ts'
import type { IngestMetrics } from './ingest-metrics.ts'
import type { KeyEntry } from './key-file.ts'
import type { BodyFormat } from './parse-body.ts'
import { type Preparer, WorkersBusy } from './prepare-pool.ts'
import type { PreparedRequest, RejectionAnswer } from './prepare-request.ts'
import { SIGNATURE_HEADER, type SignedRequest, TIMESTAMP_HEADER } from './signature.ts'

/** What the steps of POST /v1/events share: built once by registerIngestRoutes. */
export interface PostEventsContext {
  config: Pick<AdpulseConfig, 'ingest' | 'kafka'>
  /** Reads, validates and encodes bodies, in workers or inline (prepare-pool.ts). */
  preparer: Preparer
  batcher: ProduceBatcher
  metrics: IngestMetrics
  /** Counts one dead letter kept on the dead-letter topic, by reason. */
  deadLettered: (reason: DeadLetterReason) => void
  log: Logger
  now: () => number
  refuse: Refuse
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

/** What one request carries from step to step. */
interface Posted {
  request: FastifyRequest
  reply: FastifyReply
  key: KeyEntry
  receivedAt: number
}

const signedRequest = (request: FastifyRequest, body: Buffer): SignedRequest => ({
  timestamp: headerOf(request, TIMESTAMP_HEADER),
  signature: headerOf(request, SIGNATURE_HEADER),
  body,
})

export const refuseWith = (ctx: PostEventsContext, reply: FastifyReply, refusal: Refusal) =>
  ctx.refuse(reply, refusal.status, refusal.reason, refusal.message, refusal.retryAfterSeconds)

const remainingMs = (ctx: PostEventsContext, reply: FastifyReply) =>
  Math.max(1, ctx.config.ingest.requestTimeoutMs - reply.elapsedTime)

/** Keeps a refused body on the dead-letter topic, best effort: the sender gets its 400 either way. */
async function keepBody(
  ctx: PostEventsContext,
  letter: OutgoingMessage,
  reason: DeadLetterReason,
  reply: FastifyReply,
) {
  try {
    await ctx.batcher.submit(
      [{ topic: ctx.config.kafka.topics.dlq, messages: [letter] }],
      remainingMs(ctx, reply),
    )
    ctx.deadLettered(reason)
  } catch (err) {
    ctx.log.warn({ err }, 'a refused body could not be kept on the dead-letter topic')
  }
}

/** 503 when the workers have more bodies than they may hold; anything else a worker throws is a 500. */
async function prepare(
  ctx: PostEventsContext,
  posted: Posted,
  body: RawBody,
): Promise<Refusable<{ prepared: PreparedRequest }>> {
  try {
    const prepared = await ctx.preparer.prepare({
      raw: body.raw,
      format: body.format,
      contentEncoding: headerOf(posted.request, 'content-encoding'),
      source: posted.key.source,
      receivedAt: posted.receivedAt,
    })
    return { ok: true, prepared }
  } catch (err) {
    if (!(err instanceof WorkersBusy)) throw err
    ctx.log.warn({ err, source: posted.key.source }, 'prepare workers at capacity; answering 503')
    return refused(
      503,
      'unavailable',
      'ingest is at capacity: its workers do not keep up; retry later',
      RETRY_AFTER_BUSY_SECONDS,
    )
  }
}

/** Hands the events and their dead letters to Kafka (503 when it does not take them). */
async function produce(
  ctx: PostEventsContext,
  { reply, key }: Posted,
  records: OutgoingMessage[],
  deadLetters: OutgoingMessage[],
): Promise<Refusable> {
  const { topics } = ctx.config.kafka
  try {
    await ctx.batcher.submit(
      [
        { topic: topics.events, messages: records },
        { topic: topics.dlq, messages: deadLetters },
      ],
      remainingMs(ctx, reply),
    )
  } catch (err) {
    ctx.log.warn(
      { err, source: key.source, events: records.length },
      'not acknowledged by Kafka; answering 503',
    )
    return unavailable(err)
  }
  return { ok: true }
}

function answerAccepted(
  ctx: PostEventsContext,
  reply: FastifyReply,
  accepted: number,
  rejected: RejectionAnswer[],
) {
  ctx.metrics.events.inc({ outcome: 'accepted' }, accepted)
  ctx.metrics.events.inc({ outcome: 'rejected' }, rejected.length)
  for (const rejection of rejected) {
    ctx.metrics.rejected.inc({ reason: rejection.reason })
    ctx.deadLettered(rejection.deadLetterReason)
  }
  return reply.code(202).send({
    accepted,
    rejected: rejected.map(({ index, event_id, errors }) => ({ index, event_id, errors })),
  })
}

/**
 * POST /v1/events once admission let the request in: read (gzip, UTF-8, JSON),
 * validate and encode (prepare-request.ts, in a worker when there are
 * workers), take the rate tokens, produce, answer. What admission held is
 * given back unless the request was taken.
 */
export async function postEvents(
  ctx: PostEventsContext,
  request: FastifyRequest,
  reply: FastifyReply,
  ticket: AdmissionTicket,
) {
  // Whatever ends the request before commit() gives its rate tokens and its signature back.
  try {
    const posted: Posted = { request, reply, key: ticket.key, receivedAt: ctx.now() }
    const body = bodyOf(request)
    if (body === null) {
      return ctx.refuse(
        reply,
        415,
        'unsupported_media_type',
        'send Content-Type: application/json or application/x-ndjson',
      )
    }
    const signature = ticket.verify(signedRequest(request, body.raw), posted.receivedAt)
    if (!signature.ok) return refuseWith(ctx, reply, signature.refusal)
    const read = await prepare(ctx, posted, body)
    if (!read.ok) return refuseWith(ctx, reply, read.refusal)
    const { prepared } = read
    if (!prepared.ok) {
      // Bad bodies are kept on the dead-letter topic (best effort) before the answer.
      const letter = prepared.bodyLetter
      if (letter !== undefined) await keepBody(ctx, letter.message, letter.reason, reply)
      // Refused for what it holds: a resend would be refused alike, so it stays a replay.
      ticket.commit()
      return refuseWith(ctx, reply, prepared.refusal)
    }
    const taken = ticket.take(prepared.items)
    if (!taken.ok) return refuseWith(ctx, reply, taken.refusal)
    const produced = await produce(ctx, posted, prepared.records, prepared.deadLetters)
    if (!produced.ok) return refuseWith(ctx, reply, produced.refusal)
    ticket.commit()
    return answerAccepted(ctx, reply, prepared.records.length, prepared.rejected)
  } finally {
    ticket.rollback()
  }
}
