import { describe, expect, it } from 'vitest'
import {
  DEAD_LETTER_REASONS,
  deadLetterReasonOf,
  deadLetterRecord,
  describeFieldError,
} from './dead-letter.ts'

const RECEIVED = Date.UTC(2026, 10, 22, 12)

describe('deadLetterRecord', () => {
  it('builds an ingest record: every field present, the unknown ones null', () => {
    const errors = [
      { field: 'occurred_at', expected: 'an event time within the allowed lateness of 1 ms', got: '5' },
      { field: 'channel', expected: 'a lowercase slug', got: '"X"' },
    ]
    expect(
      deadLetterRecord({
        reason: 'too_late',
        stage: 'ingest',
        source: 'partner-a',
        receivedAt: RECEIVED,
        index: 3,
        eventId: 'e-1',
        errors,
        input: { event_id: 'e-1' },
      }),
    ).toEqual({
      reason: 'too_late',
      stage: 'ingest',
      source: 'partner-a',
      received_at: '2026-11-22T12:00:00.000Z',
      event_id: 'e-1',
      index: 3,
      errors,
      detail: 'occurred_at: an event time within the allowed lateness of 1 ms (got 5); 1 more',
      topic: null,
      partition: null,
      offset: null,
      input: { event_id: 'e-1' },
    })
  })

  it('builds a processor record of the same shape, with where it was read and the bytes', () => {
    const record = deadLetterRecord({
      reason: 'poison_record',
      stage: 'processor',
      detail: 'empty record (tombstone)',
      topic: 'events',
      partition: 2,
      offset: '41',
      value_base64: null,
    })
    expect(record).toEqual({
      reason: 'poison_record',
      stage: 'processor',
      source: null,
      received_at: null,
      event_id: null,
      index: null,
      errors: [],
      detail: 'empty record (tombstone)',
      topic: 'events',
      partition: 2,
      offset: '41',
      value_base64: null,
    })
    const ingestKeys = Object.keys(
      deadLetterRecord({ reason: 'invalid_event', stage: 'ingest', input: null }),
    ).filter((k) => k !== 'input')
    expect(Object.keys(record).filter((k) => k !== 'value_base64')).toEqual(ingestKeys)
  })

  it('keeps a whole body as text or bytes with its size', () => {
    expect(
      deadLetterRecord({ reason: 'undecodable_body', stage: 'ingest', input_base64: 'AAE=', input_bytes: 2 }),
    ).toMatchObject({ input_base64: 'AAE=', input_bytes: 2 })
    expect(
      deadLetterRecord({ reason: 'unparsable_body', stage: 'ingest', input: '[{', input_chars: 2 }),
    ).toMatchObject({ input: '[{', input_chars: 2 })
  })
})

describe('deadLetterReasonOf', () => {
  it('keeps the time window reasons and calls every other refusal invalid_event', () => {
    expect(deadLetterReasonOf('too_late')).toBe('too_late')
    expect(deadLetterReasonOf('too_far_in_future')).toBe('too_far_in_future')
    for (const kind of [
      'not_an_object',
      'missing_field',
      'invalid_field',
      'seconds_not_milliseconds',
    ] as const) {
      expect(deadLetterReasonOf(kind)).toBe('invalid_event')
    }
  })

  it('maps into the closed list', () => {
    expect(DEAD_LETTER_REASONS).toContain(deadLetterReasonOf('missing_field'))
  })
})

describe('describeFieldError', () => {
  it('renders one error in a line, the whole input as `input`', () => {
    expect(describeFieldError({ field: 'channel', expected: 'a slug', got: '"X"' })).toBe(
      'channel: a slug (got "X")',
    )
    expect(describeFieldError({ field: '', expected: 'an event object', got: 'an array' })).toBe(
      'input: an event object (got an array)',
    )
  })
})
