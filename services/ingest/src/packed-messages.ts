import type { OutgoingMessage } from '@adpulse/kafka'

/**
 * Messages as one transferable block: every value back to back in one
 * ArrayBuffer (moved to the other thread, not copied) and the keys and headers
 * beside it. Structured cloning 500 small Buffers would copy each one (and its
 * pool), and they would arrive as Uint8Arrays, which kafkajs does not take.
 */
export interface PackedMessages {
  keys: string[]
  /** Where each value ends in `bytes`. */
  ends: Uint32Array
  bytes: ArrayBuffer
  /** Headers by message index, only for the messages that have them (dead letters). */
  headers: Array<[number, Record<string, string>]>
}

export function packMessages(messages: readonly OutgoingMessage[]): PackedMessages {
  const total = messages.reduce((n, m) => n + m.value.length, 0)
  const bytes = new ArrayBuffer(total)
  const view = new Uint8Array(bytes)
  const ends = new Uint32Array(messages.length)
  const headers: PackedMessages['headers'] = []
  let at = 0
  messages.forEach((message, i) => {
    view.set(message.value, at)
    at += message.value.length
    ends[i] = at
    if (message.headers !== undefined) headers.push([i, message.headers])
  })
  return { keys: messages.map((m) => m.key), ends, bytes, headers }
}

/** The messages again, each value a Buffer over the one transferred block. */
export function unpackMessages(packed: PackedMessages): OutgoingMessage[] {
  const headers = new Map(packed.headers)
  let start = 0
  return packed.keys.map((key, i) => {
    const end = packed.ends[i] as number
    const value = Buffer.from(packed.bytes, start, end - start)
    start = end
    const header = headers.get(i)
    return header === undefined ? { key, value } : { key, value, headers: header }
  })
}

/** The block to hand to postMessage's transfer list. */
export const transferablesOf = (packed: PackedMessages): ArrayBuffer[] => [packed.bytes]
