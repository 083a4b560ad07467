import { describe, expect, it } from 'vitest'
import { eventDeadLetter, MAX_KEPT_BODY_BYTES } from './dead-letter.ts'
import type { Rejection } from './prepare-batch.ts'

const rejection = (input: unknown): Rejection => ({
  index: 3,
  event_id: 'e1',
  reason: 'invalid_field',
  deadLetterReason: 'invalid_event',
  errors: [{ field: 'channel', expected: 'a lowercase slug', got: '"X"' }],
  input,
})
const recordOf = (r: Rejection) => JSON.parse(eventDeadLetter(r, 'meta', 0).value?.toString() ?? '')

describe('eventDeadLetter', () => {
  it('keeps an event as it came', () => {
    const event = { event_id: 'e1', channel: 'X' }
    expect(recordOf(rejection(event))).toMatchObject({ input: event, index: 3, reason: 'invalid_event' })
    expect(recordOf(rejection(event))).not.toHaveProperty('input_chars')
  })

  it('cuts a huge event or line to the kept size, saying how long it was, so the send cannot fail', () => {
    const event = { event_id: 'e1', channel: 'X', note: 'n'.repeat(3 * MAX_KEPT_BODY_BYTES) }
    const cut = recordOf(rejection(event))
    expect(cut.input).toBe(JSON.stringify(event).slice(0, MAX_KEPT_BODY_BYTES))
    expect(cut.input_chars).toBe(JSON.stringify(event).length)
    const line = `[${'['.repeat(MAX_KEPT_BODY_BYTES)}`
    expect(recordOf(rejection(line))).toMatchObject({
      input: line.slice(0, MAX_KEPT_BODY_BYTES),
      input_chars: line.length,
    })
  })
})
