import { type DeadLetterFacts, deadLetterRecord } from '@adpulse/events'
import type { OutgoingMessage } from '@adpulse/kafka'
import type { Rejection } from './prepare-batch.ts'

/** Most bytes of a whole refused body kept on the dead-letter topic (a Kafka record is 1 MB at most). */
export const MAX_KEPT_BODY_BYTES = 64 * 1024

/**
 * A rejected event as kept on the dead-letter topic: what came, why, from
 * whom, when. JSON (deadLetterRecord, docs/dead-letters.md), keyed by source.
 */
export function eventDeadLetter(rejection: Rejection, source: string, receivedAt: number): OutgoingMessage {
  // A huge event or line is kept cut, like a whole body: a dead letter past the broker's
  // record limit would fail the send, and with it the valid events of the request.
  const text = typeof rejection.input === 'string' ? rejection.input : JSON.stringify(rejection.input ?? null)
  const kept =
    text.length > MAX_KEPT_BODY_BYTES
      ? { input: text.slice(0, MAX_KEPT_BODY_BYTES), input_chars: text.length }
      : { input: rejection.input }
  return letter({
    reason: rejection.deadLetterReason,
    stage: 'ingest',
    source,
    receivedAt,
    index: rejection.index,
    eventId: rejection.event_id,
    errors: rejection.errors,
    ...kept,
  })
}

/**
 * A whole body refused before any event could be read from it (not JSON, not
 * gzip, not UTF-8): kept too, up to MAX_KEPT_BODY_BYTES, as text when it is
 * text and as base64 when it is not.
 */
export function bodyDeadLetter(
  reason: 'unparsable_body' | 'undecodable_body',
  detail: string,
  body: { text: string } | { bytes: Buffer },
  source: string,
  receivedAt: number,
): OutgoingMessage {
  const kept =
    'text' in body
      ? { input: body.text.slice(0, MAX_KEPT_BODY_BYTES), input_chars: body.text.length }
      : {
          input_base64: body.bytes.subarray(0, MAX_KEPT_BODY_BYTES).toString('base64'),
          input_bytes: body.bytes.length,
        }
  return letter({
    reason,
    stage: 'ingest',
    source,
    receivedAt,
    errors: [{ field: '', expected: 'a JSON array of events, or NDJSON', got: detail }],
    ...kept,
  })
}

function letter(facts: DeadLetterFacts & { source: string }): OutgoingMessage {
  return {
    key: facts.source,
    value: Buffer.from(JSON.stringify(deadLetterRecord(facts))),
    headers: { 'content-type': 'application/json' },
  }
}
