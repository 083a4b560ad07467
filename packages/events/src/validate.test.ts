import { describe, expect, it } from 'vitest'
import { aRawEvent } from '../test/builders.ts'
import { MAX_EVENT_MICROS } from './contract.ts'
import type { AdEvent, FieldError } from './event.ts'
import { describe as describeValue, type ValidationContext, validateEvent } from './validate.ts'

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0, 0) // 2026-11-22T12:00:00.000Z
const LATENESS = 86_400_000
const SKEW = 300_000

const ctx: ValidationContext = {
  now: NOW,
  allowedLatenessMs: LATENESS,
  maxClockSkewMs: SKEW,
  reportingCurrency: 'USD',
  source: 'partner-a',
}

const impression = aRawEvent({
  event_id: 'imp-1',
  type: 'impression',
  occurred_at: '2026-11-22T11:59:00Z',
  channel: 'display',
  campaign_id: 'camp-1',
})
const click = aRawEvent({
  event_id: 'clk-1',
  type: 'click',
  occurred_at: NOW - 5_000,
  channel: 'search',
  campaign_id: 'camp-2',
  ad_id: 'ad-7',
  click_id: 'gclid-123',
  cost_micros: 1_250_000,
  user_id: 'u-42',
})
const conversion = aRawEvent({
  event_id: 'conv-1',
  type: 'conversion',
  occurred_at: '2026-11-22T15:00:00.250+03:30',
  channel: 'affiliate',
  campaign_id: 'camp-3',
  click_id: 'gclid-123',
  action: 'purchase',
  value_micros: '9007199254740993',
  currency: 'USD',
})

const engagement = aRawEvent({
  event_id: 'eng-1',
  type: 'engagement',
  occurred_at: NOW - 2_000,
  channel: 'social',
  campaign_id: 'camp-4',
  ad_id: 'ad-9',
  action: 'video_view',
})

const accept = (input: unknown): AdEvent => {
  const result = validateEvent(input, ctx)
  if (!result.ok) throw new Error(`expected a valid event, got ${JSON.stringify(result.errors)}`)
  return result.event
}
const reject = (input: unknown): FieldError[] => {
  const result = validateEvent(input, ctx)
  if (result.ok) throw new Error('expected an invalid event')
  return result.errors
}
const fieldsOf = (input: unknown): string[] => reject(input).map((e) => e.field)

describe('validateEvent: valid events', () => {
  it('accepts an impression with an RFC 3339 time and fills the defaults', () => {
    expect(accept(impression)).toEqual({
      event_id: 'imp-1',
      type: 'impression',
      occurred_at: Date.UTC(2026, 10, 22, 11, 59),
      channel: 'display',
      campaign_id: 'camp-1',
      ad_id: null,
      click_id: null,
      cost_micros: null,
      value_micros: null,
      action: null,
      currency: 'USD',
      user_id: null,
      source: 'partner-a',
      received_at: NOW,
    })
  })

  it('accepts a click with an epoch-ms time and integer money', () => {
    expect(accept(click)).toEqual({
      event_id: 'clk-1',
      type: 'click',
      occurred_at: NOW - 5_000,
      channel: 'search',
      campaign_id: 'camp-2',
      ad_id: 'ad-7',
      click_id: 'gclid-123',
      cost_micros: 1_250_000n,
      value_micros: null,
      action: null,
      currency: 'USD',
      user_id: 'u-42',
      source: 'partner-a',
      received_at: NOW,
    })
  })

  it('accepts a conversion with an offset time and money as a digit string above 2^53', () => {
    const event = accept(conversion)
    expect(event.occurred_at).toBe(Date.UTC(2026, 10, 22, 11, 30, 0, 250))
    expect(event.value_micros).toBe(9_007_199_254_740_993n)
    expect(event.action).toBe('purchase')
    expect(event.cost_micros).toBeNull()
    expect(event.currency).toBe('USD')
  })

  it('gives a conversion without value a value of 0', () => {
    const { value_micros: _, ...withoutValue } = conversion
    expect(accept(withoutValue).value_micros).toBe(0n)
    expect(accept({ ...conversion, value_micros: null }).value_micros).toBe(0n)
  })

  it('accepts null optionals as absent', () => {
    const event = accept({
      ...impression,
      ad_id: null,
      click_id: null,
      user_id: null,
      cost_micros: null,
      currency: null,
    })
    expect(event.ad_id).toBeNull()
    expect(event.cost_micros).toBeNull()
    expect(event.currency).toBe('USD')
  })

  it('accepts the largest money, 2^63 − 1, and 0', () => {
    expect(accept({ ...click, cost_micros: '9223372036854775807' }).cost_micros).toBe(MAX_EVENT_MICROS)
    expect(accept({ ...click, cost_micros: 0 }).cost_micros).toBe(0n)
    expect(accept({ ...click, cost_micros: Number.MAX_SAFE_INTEGER }).cost_micros).toBe(
      9_007_199_254_740_991n,
    )
  })

  it('accepts strings of exactly the maximum length', () => {
    const event = accept({
      ...conversion,
      event_id: 'e'.repeat(128),
      campaign_id: 'c'.repeat(128),
      action: 'a'.repeat(64),
    })
    expect(event.event_id).toHaveLength(128)
    expect(event.campaign_id).toHaveLength(128)
    expect(event.action).toHaveLength(64)
    expect(accept({ ...impression, channel: `a${'b'.repeat(63)}` }).channel).toHaveLength(64)
  })

  it('accepts event times on the lateness and skew boundaries', () => {
    expect(accept({ ...impression, occurred_at: NOW - LATENESS }).occurred_at).toBe(NOW - LATENESS)
    expect(accept({ ...impression, occurred_at: NOW + SKEW }).occurred_at).toBe(NOW + SKEW)
    expect(accept({ ...impression, occurred_at: '2026-11-22T11:59:00.123456789Z' }).occurred_at).toBe(
      Date.UTC(2026, 10, 22, 11, 59, 0, 123),
    )
  })
})

describe('validateEvent: invalid events name their field', () => {
  it('rejects a missing, empty or oversized event_id', () => {
    const { event_id: _, ...withoutId } = impression
    expect(reject(withoutId)).toEqual([
      { field: 'event_id', expected: 'a string of 1-128 characters', got: 'nothing' },
    ])
    expect(reject({ ...impression, event_id: '' })).toEqual([
      { field: 'event_id', expected: 'a string of 1-128 characters', got: '""' },
    ])
    expect(fieldsOf({ ...impression, event_id: 'e'.repeat(129) })).toEqual(['event_id'])
    expect(fieldsOf({ ...impression, event_id: 42 })).toEqual(['event_id'])
  })

  it('rejects empty and oversized strings of the other fields', () => {
    expect(fieldsOf({ ...impression, campaign_id: '' })).toEqual(['campaign_id'])
    expect(fieldsOf({ ...impression, campaign_id: 'c'.repeat(129) })).toEqual(['campaign_id'])
    expect(fieldsOf({ ...impression, ad_id: '' })).toEqual(['ad_id'])
    expect(fieldsOf({ ...impression, click_id: 'k'.repeat(129) })).toEqual(['click_id'])
    expect(fieldsOf({ ...impression, user_id: 7 })).toEqual(['user_id'])
    expect(fieldsOf({ ...conversion, action: 'a'.repeat(65) })).toEqual(['action'])
    expect(fieldsOf({ ...conversion, action: '' })).toEqual(['action'])
  })

  it('accepts a postback conversion with only a click_id: channel and campaign_id travel as empty', () => {
    const { channel: _c, campaign_id: _k, ...postback } = conversion
    const event = accept(postback)
    expect(event).toMatchObject({ channel: '', campaign_id: '', click_id: 'gclid-123', type: 'conversion' })
    expect(accept({ ...postback, channel: null, campaign_id: 'camp-3' })).toMatchObject({
      channel: '',
      campaign_id: 'camp-3',
    })
  })

  it('still requires channel and campaign_id of a conversion without click_id and of a click', () => {
    const { channel: _c, campaign_id: _k, click_id: _i, ...bare } = conversion
    expect(fieldsOf(bare)).toEqual(['channel', 'campaign_id'])
    expect(fieldsOf({ ...bare, click_id: '' })).toEqual(['channel', 'campaign_id', 'click_id'])
    const { channel: _d, campaign_id: _e, ...clickOnly } = click
    expect(fieldsOf(clickOnly)).toEqual(['channel', 'campaign_id'])
    // Given, they must be valid: an empty string is not an omission.
    expect(fieldsOf({ ...conversion, channel: '', campaign_id: '' })).toEqual(['channel', 'campaign_id'])
  })

  it('rejects an unknown type', () => {
    expect(reject({ ...impression, type: 'view' })).toEqual([
      { field: 'type', expected: 'one of impression, click, conversion, engagement', got: '"view"' },
    ])
    expect(fieldsOf({ ...impression, type: 'Click' })).toEqual(['type'])
    expect(fieldsOf({ ...impression, type: undefined })).toEqual(['type'])
  })

  it('rejects a channel that is not a lowercase slug', () => {
    expect(fieldsOf({ ...impression, channel: 'Search' })).toEqual(['channel'])
    expect(fieldsOf({ ...impression, channel: '' })).toEqual(['channel'])
    expect(fieldsOf({ ...impression, channel: 'paid search' })).toEqual(['channel'])
    expect(fieldsOf({ ...impression, channel: `a${'b'.repeat(64)}` })).toEqual(['channel'])
    expect(fieldsOf({ ...impression, channel: '-search' })).toEqual(['channel'])
  })

  it('rejects negative, fractional, non-finite and too large money', () => {
    for (const bad of [
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 53,
      '-5',
      '1.0',
      '1e6',
      '',
      ' 12',
    ]) {
      expect(fieldsOf({ ...click, cost_micros: bad })).toEqual(['cost_micros'])
      expect(fieldsOf({ ...conversion, value_micros: bad })).toEqual(['value_micros'])
    }
    // 2^63 does not fit an Avro long; nor does a 20-digit string
    expect(fieldsOf({ ...click, cost_micros: '9223372036854775808' })).toEqual(['cost_micros'])
    expect(fieldsOf({ ...click, cost_micros: '10000000000000000000' })).toEqual(['cost_micros'])
    expect(reject({ ...click, cost_micros: Number.NaN })[0]?.got).toBe('NaN')
  })

  it('rejects an epoch in seconds instead of milliseconds', () => {
    const errors = reject({ ...impression, occurred_at: Math.floor(NOW / 1000) })
    expect(errors).toEqual([
      { field: 'occurred_at', expected: 'epoch milliseconds (this looks like seconds)', got: '1795348800' },
    ])
  })

  it('rejects an event time that is not an integer, not RFC 3339, or missing', () => {
    expect(fieldsOf({ ...impression, occurred_at: NOW + 0.5 })).toEqual(['occurred_at'])
    expect(fieldsOf({ ...impression, occurred_at: '2026-11-22' })).toEqual(['occurred_at'])
    expect(fieldsOf({ ...impression, occurred_at: '2026-11-22T11:59:00' })).toEqual(['occurred_at'])
    expect(fieldsOf({ ...impression, occurred_at: 'yesterday' })).toEqual(['occurred_at'])
    expect(fieldsOf({ ...impression, occurred_at: '2026-13-45T11:59:00Z' })).toEqual(['occurred_at'])
    expect(fieldsOf({ ...impression, occurred_at: String(NOW) })).toEqual(['occurred_at'])
    expect(fieldsOf({ ...impression, occurred_at: undefined })).toEqual(['occurred_at'])
  })

  it('rejects an event older than the allowed lateness', () => {
    expect(reject({ ...impression, occurred_at: NOW - LATENESS - 1 })).toEqual([
      {
        field: 'occurred_at',
        expected: 'an event time within the allowed lateness of 86400000 ms',
        got: String(NOW - LATENESS - 1),
      },
    ])
    expect(fieldsOf({ ...impression, occurred_at: '2026-11-21T11:59:59.999Z' })).toEqual(['occurred_at'])
  })

  it('rejects an event too far in the future', () => {
    expect(reject({ ...impression, occurred_at: NOW + SKEW + 1 })).toEqual([
      {
        field: 'occurred_at',
        expected: 'an event time at most 300000 ms in the future',
        got: String(NOW + SKEW + 1),
      },
    ])
    expect(fieldsOf({ ...impression, occurred_at: '2026-11-22T12:05:00.001Z' })).toEqual(['occurred_at'])
  })

  it('requires an action on a conversion', () => {
    const { action: _, ...withoutAction } = conversion
    expect(reject(withoutAction)).toEqual([
      { field: 'action', expected: 'a string of 1-64 characters', got: 'nothing' },
    ])
    expect(fieldsOf({ ...conversion, action: null })).toEqual(['action'])
  })

  it('accepts an engagement with a slug action, its ids and an explicit cost, and no value', () => {
    expect(accept(engagement)).toEqual({
      event_id: 'eng-1',
      type: 'engagement',
      occurred_at: NOW - 2_000,
      channel: 'social',
      campaign_id: 'camp-4',
      ad_id: 'ad-9',
      click_id: null,
      cost_micros: null,
      value_micros: null,
      action: 'video_view',
      currency: 'USD',
      user_id: null,
      source: 'partner-a',
      received_at: NOW,
    })
    for (const action of ['like', 'share', 'comment', 'save', 'follow', 'poll-vote', 'a'.repeat(64)]) {
      expect(accept({ ...engagement, action }).action).toBe(action)
    }
    const full = accept({ ...engagement, click_id: 'k-1', user_id: 'u-1', cost_micros: 40_000 })
    expect(full).toMatchObject({ click_id: 'k-1', user_id: 'u-1', cost_micros: 40_000n, value_micros: null })
  })

  it('requires an action on an engagement, a lowercase slug within the action limit', () => {
    const { action: _, ...withoutAction } = engagement
    const slug = 'a lowercase slug of 1-64 characters (a-z, 0-9, _ or -)'
    expect(reject(withoutAction)).toEqual([{ field: 'action', expected: slug, got: 'nothing' }])
    expect(reject({ ...engagement, action: null })).toEqual([
      { field: 'action', expected: slug, got: 'null' },
    ])
    expect(reject({ ...engagement, action: 'Video View' })).toEqual([
      { field: 'action', expected: slug, got: '"Video View"' },
    ])
    for (const bad of ['', '_like', 'like!', 'a'.repeat(65), 7]) {
      expect(fieldsOf({ ...engagement, action: bad }), String(bad)).toEqual(['action'])
    }
    const strict: ValidationContext = { ...ctx, maxActionLength: 4 }
    expect(fieldsOfWith(strict, { ...engagement, action: 'like' })).toEqual([])
    expect(validateEvent({ ...engagement, action: 'share' }, strict)).toMatchObject({
      ok: false,
      errors: [{ field: 'action', expected: 'a lowercase slug of 1-4 characters (a-z, 0-9, _ or -)' }],
    })
  })

  it('refuses a value on an engagement: only conversions carry revenue', () => {
    expect(reject({ ...engagement, value_micros: 5_000_000 })).toEqual([
      {
        field: 'value_micros',
        expected: 'no value on an impression, click or engagement (only conversions carry revenue)',
        got: '5000000',
      },
    ])
    expect(fieldsOf({ ...engagement, value_micros: 0 })).toEqual(['value_micros'])
    expect(accept({ ...engagement, value_micros: null }).value_micros).toBeNull()
  })

  it('keeps the action rule of a conversion: any string, not only a slug', () => {
    expect(accept({ ...conversion, action: 'Lead form / EU' }).action).toBe('Lead form / EU')
  })

  it('rejects a value or an action on an impression or a click', () => {
    expect(fieldsOf({ ...click, value_micros: 5_000_000 })).toEqual(['value_micros'])
    expect(fieldsOf({ ...impression, value_micros: 0 })).toEqual(['value_micros'])
    expect(fieldsOf({ ...click, action: 'purchase' })).toEqual(['action'])
    expect(reject({ ...impression, action: 'like' })).toEqual([
      {
        field: 'action',
        expected: 'no action on an impression or click (only conversions and engagements have one)',
        got: '"like"',
      },
    ])
  })

  it('keeps any ISO 4217 currency in circulation, and refuses unknown codes', () => {
    expect(accept({ ...click, currency: 'EUR' }).currency).toBe('EUR')
    expect(accept({ ...conversion, currency: 'JPY', value_micros: 1_500_000_000 })).toMatchObject({
      currency: 'JPY',
      value_micros: 1_500_000_000n,
    })
    expect(reject({ ...click, currency: 'ABC' })).toEqual([
      {
        field: 'currency',
        expected: 'an ISO 4217 code of a currency in circulation, such as USD or EUR',
        got: '"ABC"',
      },
    ])
    expect(fieldsOf({ ...click, currency: 'XXX' })).toEqual(['currency'])
    expect(reject({ ...click, currency: 'usd' })).toEqual([
      { field: 'currency', expected: 'an ISO 4217 code such as USD', got: '"usd"' },
    ])
    expect(fieldsOf({ ...click, currency: 'DOLLAR' })).toEqual(['currency'])
    expect(fieldsOf({ ...click, currency: 840 })).toEqual(['currency'])
  })

  it('reports every error at once', () => {
    const errors = reject({
      type: 'view',
      occurred_at: 1_795_348_800,
      channel: 'Search',
      campaign_id: '',
      cost_micros: -1,
      currency: 'EURO',
    })
    expect(errors.map((e) => e.field)).toEqual([
      'event_id',
      'type',
      'occurred_at',
      'channel',
      'campaign_id',
      'cost_micros',
      'currency',
    ])
  })

  it('reports both an action and a value on a click', () => {
    expect(fieldsOf({ ...click, action: 'purchase', value_micros: 1 })).toEqual(['action', 'value_micros'])
  })

  it('rejects input that is not an object', () => {
    for (const [input, got] of [
      [null, 'null'],
      [undefined, 'nothing'],
      ['an event', '"an event"'],
      [42, '42'],
      [true, 'true'],
      [[impression], 'an array'],
    ] as const) {
      expect(reject(input)).toEqual([{ field: '', expected: 'an event object', got }])
    }
  })

  it('shortens what came in an error', () => {
    const got = reject({ ...impression, event_id: 'x'.repeat(200) })[0]?.got
    expect(got).toHaveLength(80)
    expect(got?.endsWith('...')).toBe(true)
  })
})

describe('describe', () => {
  it('renders values shortly and safely', () => {
    expect(describeValue(undefined)).toBe('nothing')
    expect(describeValue(null)).toBe('null')
    expect(describeValue({ a: 1 })).toBe('an object')
    expect(describeValue([1])).toBe('an array')
    expect(describeValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity')
    expect(describeValue('abc')).toBe('"abc"')
    expect(describeValue(12)).toBe('12')
  })
})

describe('validateEvent: reasons and limits', () => {
  const reasonOf = (input: unknown, context: ValidationContext = ctx) => {
    const result = validateEvent(input, context)
    return result.ok ? 'accepted' : result.reason
  }

  it('names the kind of its first error, from a closed list', () => {
    expect(reasonOf('x')).toBe('not_an_object')
    const { campaign_id: _, ...withoutCampaign } = impression
    expect(reasonOf(withoutCampaign)).toBe('missing_field')
    expect(reasonOf({ ...impression, type: 'view' })).toBe('invalid_field')
    expect(reasonOf({ ...impression, occurred_at: Math.floor(NOW / 1000) })).toBe('seconds_not_milliseconds')
    expect(reasonOf({ ...impression, occurred_at: NOW - LATENESS - 1 })).toBe('too_late')
    expect(reasonOf({ ...impression, occurred_at: NOW + SKEW + 1 })).toBe('too_far_in_future')
  })

  it('refuses a control character in any id it reads, with a field error', () => {
    const expected = 'no control characters (U+0000-U+001F, U+007F-U+009F)'
    for (const field of ['event_id', 'campaign_id', 'ad_id', 'click_id', 'user_id']) {
      const result = validateEvent({ ...click, [field]: 'a\u0000b' }, ctx)
      expect(result, field).toEqual({
        ok: false,
        errors: [{ field, expected, got: '"a\\u0000b"' }],
        reason: 'invalid_field',
      })
    }
    expect(reject({ ...click, event_id: 'line\nbreak' })).toEqual([
      { field: 'event_id', expected, got: '"line\\nbreak"' },
    ])
  })

  it('takes the string limits from the context', () => {
    const strict: ValidationContext = { ...ctx, maxIdLength: 8, maxActionLength: 4 }
    expect(reasonOf({ ...impression, event_id: 'e'.repeat(8) }, strict)).toBe('accepted')
    expect(validateEvent({ ...impression, event_id: 'e'.repeat(9) }, strict)).toMatchObject({
      ok: false,
      errors: [{ field: 'event_id', expected: 'a string of 1-8 characters' }],
    })
    expect(fieldsOfWith(strict, { ...impression, user_id: 'u'.repeat(9) })).toEqual(['user_id'])
    expect(
      fieldsOfWith(strict, {
        ...conversion,
        event_id: 'c1',
        campaign_id: 'c3',
        click_id: 'k1',
        action: 'lead',
      }),
    ).toEqual([])
    expect(
      fieldsOfWith(strict, { ...conversion, event_id: 'c1', campaign_id: 'c3', click_id: 'k1' }),
    ).toEqual(['action'])
  })
})

function fieldsOfWith(context: ValidationContext, input: unknown): string[] {
  const result = validateEvent(input, context)
  return result.ok ? [] : result.errors.map((e) => e.field)
}
