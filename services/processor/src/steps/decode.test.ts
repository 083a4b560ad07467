import { DEFAULT_CONTRACT } from '@adpulse/events'
import { anEngagement, anEvent, TEST_NOW as T } from '@adpulse/testkit'
import { describe, expect, it } from 'vitest'
import { checkDecoded } from './decode.ts'

const LIMITS = { ...DEFAULT_CONTRACT, allowedLatenessMs: 7 * 86_400_000, maxClockSkewMs: 300_000 }

describe('checkDecoded', () => {
  it('accepts a valid event, including one 7 days late to the millisecond', () => {
    expect(checkDecoded(anEvent(), LIMITS)).toBeNull()
    expect(checkDecoded(anEvent({ occurred_at: T - LIMITS.allowedLatenessMs }), LIMITS)).toBeNull()
  })

  it('names what Avro could not refuse, in the words ingest uses', () => {
    expect(checkDecoded(anEvent({ channel: 'Search' }), LIMITS)).toEqual({
      reason: 'invalid_event',
      detail: 'channel: a lowercase slug of 1-64 characters (a-z, 0-9, _ or -) (got "Search")',
      errors: [
        {
          field: 'channel',
          expected: 'a lowercase slug of 1-64 characters (a-z, 0-9, _ or -)',
          got: '"Search"',
        },
      ],
    })
    expect(checkDecoded(anEvent({ event_id: '' }), LIMITS)?.detail).toBe(
      'event_id: a string of 1-128 characters (got "")',
    )
    expect(checkDecoded(anEvent({ cost_micros: -1n }), LIMITS)?.detail).toBe(
      'cost_micros: integer micros >= 0 (a JSON integer, or a string of digits above 2^53 - 1), at most 2^63 - 1 (got -1)',
    )
    expect(
      checkDecoded(anEvent({ type: 'conversion', action: null, value_micros: 5n }), LIMITS)?.detail,
    ).toBe('action: a string of 1-64 characters (got null)')
    expect(checkDecoded(anEvent({ currency: 'usd' }), LIMITS)?.reason).toBe('invalid_event')
    expect(checkDecoded(anEvent({ currency: 'ABC' }), LIMITS)?.reason).toBe('invalid_event')
    expect(checkDecoded(anEvent({ currency: 'JPY' }), LIMITS)).toBeNull()
  })

  it("refuses an engagement without a slug action or with a value, in ingest's words", () => {
    expect(checkDecoded(anEngagement(), LIMITS)).toBeNull()
    expect(checkDecoded(anEngagement({ action: null }), LIMITS)).toMatchObject({
      reason: 'invalid_event',
      detail: 'action: a lowercase slug of 1-64 characters (a-z, 0-9, _ or -) (got null)',
    })
    expect(checkDecoded(anEngagement({ value_micros: 1n }), LIMITS)?.detail).toBe(
      'value_micros: no value on an impression, click or engagement (only conversions carry revenue) (got 1)',
    )
  })

  it('takes the id and action limits from the contract, as ingest does', () => {
    const long = anEvent({ event_id: 'e'.repeat(150) })
    expect(checkDecoded(long, LIMITS)?.detail).toBe(
      `event_id: a string of 1-128 characters (got "${'e'.repeat(76)}...)`,
    )
    expect(checkDecoded(long, { ...LIMITS, maxIdLength: 200 })).toBeNull()
    const lead = anEvent({ type: 'conversion', action: 'lead', value_micros: 0n })
    expect(checkDecoded(lead, { ...LIMITS, maxActionLength: 3 })?.reason).toBe('invalid_event')
  })

  it('refuses a control character in an id: the dedup key joins ids with U+0000', () => {
    for (const field of ['event_id', 'campaign_id', 'source', 'ad_id', 'click_id', 'user_id'] as const) {
      expect(checkDecoded(anEvent({ [field]: 'a\u0000b' }), LIMITS), field).toEqual({
        reason: 'invalid_event',
        detail: `${field}: no control characters (U+0000-U+001F, U+007F-U+009F) (got "a\\u0000b")`,
        errors: [
          { field, expected: 'no control characters (U+0000-U+001F, U+007F-U+009F)', got: '"a\\u0000b"' },
        ],
      })
    }
  })

  it('says invalid_event, not too_late, for an event both invalid and late', () => {
    const both = anEvent({ channel: 'Search', occurred_at: T - LIMITS.allowedLatenessMs - 1 })
    expect(checkDecoded(both, LIMITS)?.reason).toBe('invalid_event')
  })

  it('judges event time against the receipt time, so a replay decides the same', () => {
    expect(checkDecoded(anEvent({ occurred_at: T - LIMITS.allowedLatenessMs - 1 }), LIMITS)?.reason).toBe(
      'too_late',
    )
    expect(checkDecoded(anEvent({ occurred_at: T + LIMITS.maxClockSkewMs + 1 }), LIMITS)?.reason).toBe(
      'too_far_in_future',
    )
  })
})
