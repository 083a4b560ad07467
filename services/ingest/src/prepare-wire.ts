import type { DeadLetterReason } from '@adpulse/events'
import type { Refusal } from './admission.ts'
import { type PackedMessages, packMessages, unpackMessages } from './packed-messages.ts'
import type { BodyFormat } from './parse-body.ts'
import type { PreparedRequest, RejectionAnswer, RequestBody } from './prepare-request.ts'

/** A request body as posted to a worker (its bytes arrive as a Uint8Array). */
export interface WireBody extends Omit<RequestBody, 'raw'> {
  raw: Uint8Array
  format: BodyFormat
}

/** A PreparedRequest as it crosses between threads: its messages packed (packed-messages.ts). */
export type WirePrepared =
  | {
      ok: true
      items: number
      records: PackedMessages
      deadLetters: PackedMessages
      rejected: RejectionAnswer[]
    }
  | {
      ok: false
      refusal: Refusal
      bodyLetter?: { message: PackedMessages; reason: DeadLetterReason }
    }

/** What a worker posts back for one task: its result, or why it failed. */
export type WireReply = { id: number; prepared: WirePrepared } | { id: number; error: string }

export function toWire(prepared: PreparedRequest): { wire: WirePrepared; transfer: ArrayBuffer[] } {
  if (!prepared.ok) {
    if (prepared.bodyLetter === undefined) return { wire: prepared as WirePrepared, transfer: [] }
    const message = packMessages([prepared.bodyLetter.message])
    return {
      wire: { ...prepared, bodyLetter: { message, reason: prepared.bodyLetter.reason } },
      transfer: [message.bytes],
    }
  }
  const records = packMessages(prepared.records)
  const deadLetters = packMessages(prepared.deadLetters)
  return {
    wire: { ...prepared, records, deadLetters },
    transfer: [records.bytes, deadLetters.bytes],
  }
}

export function fromWire(wire: WirePrepared): PreparedRequest {
  if (!wire.ok) {
    if (wire.bodyLetter === undefined) return wire as PreparedRequest
    const [message] = unpackMessages(wire.bodyLetter.message)
    if (message === undefined) throw new Error('a body dead letter came back empty')
    return { ...wire, bodyLetter: { message, reason: wire.bodyLetter.reason } }
  }
  return { ...wire, records: unpackMessages(wire.records), deadLetters: unpackMessages(wire.deadLetters) }
}

/** A worker's copy of the body's bytes as a Buffer (no copy). */
export const bodyFromWire = (body: WireBody): RequestBody => ({
  ...body,
  raw: Buffer.from(body.raw.buffer, body.raw.byteOffset, body.raw.byteLength),
})
