import {
  type AdEvent,
  type DeadLetterReason,
  type EventContract,
  eventKeyOf,
  type FramedCodec,
} from '@adpulse/events'
import type { OutgoingMessage } from '@adpulse/kafka'
import type { Refusal } from './admission.ts'
import { bodyDeadLetter, eventDeadLetter } from './dead-letter.ts'
import { decodeBody } from './decode-body.ts'
import type { BodyFormat } from './parse-body.ts'
import { parseEventsBody } from './parse-body.ts'
import { prepareBatch, type Rejection } from './prepare-batch.ts'

/** What every request is read with: the same for the life of the process (a worker gets it once). */
export interface PrepareSettings {
  contract: EventContract
  reportingCurrency: string
  maxInflatedBytes: number
  maxEventsPerRequest: number
}

/** One request's body and what it is read against. */
export interface RequestBody {
  raw: Buffer
  format: BodyFormat
  contentEncoding: string | undefined
  /** The source of the sender's key, stamped on its events and dead letters. */
  source: string
  receivedAt: number
}

/** A rejected event as the answer and the metrics need it (its input is already in its dead letter). */
export type RejectionAnswer = Omit<Rejection, 'input'>

/**
 * A request read, validated and encoded: its Avro records and the dead
 * letters of its rejected events, ready to produce; or refused whole, with the
 * body's dead letter to keep when the body itself was bad.
 */
export type PreparedRequest =
  | {
      ok: true
      /** Items in the body, valid or not: the rate tokens the request takes. */
      items: number
      records: OutgoingMessage[]
      deadLetters: OutgoingMessage[]
      rejected: RejectionAnswer[]
    }
  | {
      ok: false
      refusal: Refusal
      bodyLetter?: { message: OutgoingMessage; reason: DeadLetterReason }
    }

/**
 * Everything between the admitted request and Kafka that needs no shared
 * state: gunzip, UTF-8, JSON or NDJSON, the events-per-request limit,
 * validation, Avro encoding and the dead letters. Pure in its input, so it
 * runs on the main thread or in a worker (prepare-pool.ts) with the same answer.
 */
export async function prepareRequest(
  body: RequestBody,
  settings: PrepareSettings,
  codec: FramedCodec<AdEvent>,
): Promise<PreparedRequest> {
  const { raw, source, receivedAt } = body
  const decoded = await decodeBody(raw, body.contentEncoding, settings.maxInflatedBytes)
  if (!decoded.ok) {
    const refusal = { status: decoded.status, reason: decoded.error, message: decoded.message }
    if (decoded.error !== 'undecodable_body') return { ok: false, refusal }
    const message = bodyDeadLetter('undecodable_body', decoded.message, { bytes: raw }, source, receivedAt)
    return { ok: false, refusal, bodyLetter: { message, reason: 'undecodable_body' } }
  }
  const parsed = parseEventsBody(decoded.text, body.format)
  if (!parsed.ok) {
    const message = bodyDeadLetter(
      'unparsable_body',
      parsed.error,
      { text: decoded.text },
      source,
      receivedAt,
    )
    return {
      ok: false,
      refusal: { status: 400, reason: 'unparsable_body', message: parsed.error },
      bodyLetter: { message, reason: 'unparsable_body' },
    }
  }
  if (parsed.items.length > settings.maxEventsPerRequest) {
    const message = `at most ${settings.maxEventsPerRequest} events per request, got ${parsed.items.length}`
    return { ok: false, refusal: { status: 413, reason: 'too_many_events', message } }
  }
  const batch = prepareBatch(parsed.items, {
    now: receivedAt,
    ...settings.contract,
    reportingCurrency: settings.reportingCurrency,
    source,
  })
  return {
    ok: true,
    items: parsed.items.length,
    records: batch.accepted.map((event) => ({ key: eventKeyOf(event), value: codec.encode(event) })),
    deadLetters: batch.rejected.map((r) => eventDeadLetter(r, source, receivedAt)),
    rejected: batch.rejected.map(({ input: _input, ...answer }) => answer),
  }
}
