import type { AdpulseConfig } from '@adpulse/config'
import { type AdEvent, type DeadLetterReason, eventKeyOf, type FramedCodec } from '@adpulse/events'
import { KafkaAdapterError, type OutgoingMessage, type ProduceBatcher } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type AdmissionTicket, type Refusable, type Refusal, type Refused, refused } from './admission.ts'
import { bodyOf, headerOf, type Refuse } from './body-intake.ts'
import { bodyDeadLetter, eventDeadLetter } from './dead-letter.ts'
import { decodeBody } from './decode-body.ts'
import type { IngestMetrics } from './ingest-metrics.ts'
import type { KeyEntry } from './key-file.ts'
import { type BodyFormat, type BodyItem, parseEventsBody } from './parse-body.ts'
import { prepareBatch, type Rejection } from './prepare-batch.ts'
import { SIGNATURE_HEADER, type SignedRequest, TIMESTAMP_HEADER } from './signature.ts'

/** What the steps of POST /v1/events share: built once by registerIngestRoutes. */
export interface PostEventsContext {
  config: Pick<AdpulseConfig, 'contract' | 'ingest' | 'kafka' | 'reportingCurrency'>
  codec: FramedCodec<AdEvent>
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

/** The items of a body (gunzipped, UTF-8, JSON or NDJSON, not too many), or why it is refused (bad bodies dead-lettered). */
async function readEvents(
  ctx: PostEventsContext,
  { request, reply, key, receivedAt }: Posted,
  { raw, format }: RawBody,
): Promise<Refusable<{ items: BodyItem[] }>> {
  const limits = ctx.config.ingest
  const decoded = await decodeBody(raw, headerOf(request, 'content-encoding'), limits.maxInflatedBytes)
  if (!decoded.ok) {
    if (decoded.error === 'undecodable_body') {
      await keepBody(
        ctx,
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
      ctx,
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
async function produce(
  ctx: PostEventsContext,
  { reply, key, receivedAt }: Posted,
  items: BodyItem[],
): Promise<Refusable<{ accepted: number; rejected: Rejection[] }>> {
  const { config } = ctx
  const batch = prepareBatch(items, {
    now: receivedAt,
    ...config.contract,
    reportingCurrency: config.reportingCurrency,
    source: key.source,
  })
  const accepted: OutgoingMessage[] = batch.accepted.map((event) => ({
    key: eventKeyOf(event),
    value: ctx.codec.encode(event),
  }))
  const deadLetters = batch.rejected.map((r) => eventDeadLetter(r, key.source, receivedAt))
  try {
    await ctx.batcher.submit(
      [
        { topic: config.kafka.topics.events, messages: accepted },
        { topic: config.kafka.topics.dlq, messages: deadLetters },
      ],
      remainingMs(ctx, reply),
    )
  } catch (err) {
    ctx.log.warn(
      { err, source: key.source, events: accepted.length },
      'not acknowledged by Kafka; answering 503',
    )
    return unavailable(err)
  }
  return { ok: true, accepted: accepted.length, rejected: batch.rejected }
}

function answerAccepted(
  ctx: PostEventsContext,
  reply: FastifyReply,
  accepted: number,
  rejected: Rejection[],
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
 * POST /v1/events once admission let the request in: read (size, gzip, UTF-8,
 * JSON), take the rate tokens, validate, encode, produce, answer. What
 * admission held is given back unless the request was taken.
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
    const parsed = await readEvents(ctx, posted, body)
    if (!parsed.ok) {
      // Refused for what it holds: a resend would be refused alike, so it stays a replay.
      ticket.commit()
      return refuseWith(ctx, reply, parsed.refusal)
    }
    const taken = ticket.take(parsed.items.length)
    if (!taken.ok) return refuseWith(ctx, reply, taken.refusal)
    const produced = await produce(ctx, posted, parsed.items)
    if (!produced.ok) return refuseWith(ctx, reply, produced.refusal)
    ticket.commit()
    return answerAccepted(ctx, reply, produced.accepted, produced.rejected)
  } finally {
    ticket.rollback()
  }
}
