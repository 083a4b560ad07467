import { describe, expect, it } from 'vitest'
import { anEvent, TEST_NOW as T } from '../test/builders.ts'
import { checkEvent } from './check-event.ts'
import { DEFAULT_CONTRACT } from './contract.ts'
import type { AdEvent } from './event.ts'
import { validateEvent } from './validate.ts'

const CONTRACT = DEFAULT_CONTRACT

/** A valid click with every optional id present, so each id's check runs. */
const event = (over: Partial<AdEvent> = {}): AdEvent =>
  anEvent({ ad_id: 'ad-1', click_id: 'k-1', user_id: 'u-1', source: 'partner-a', ...over })

const fieldsOf = (e: AdEvent, contract = CONTRACT, receivedAt = e.received_at) => {
  const result = checkEvent(e, contract, receivedAt)
  return result.ok ? [] : result.errors.map((x) => x.field)
}

describe('checkEvent', () => {
  it('accepts what validateEvent accepts: the two apply the same rules', () => {
    const raw = {
      event_id: 'conv-1',
      type: 'conversion',
      occurred_at: T - 1000,
      channel: 'affiliate',
      campaign_id: 'camp-3',
      click_id: 'gclid-123',
      action: 'purchase',
      value_micros: '9007199254740993',
      currency: 'EUR',
    }
    const validated = validateEvent(raw, { ...CONTRACT, now: T, reportingCurrency: 'USD', source: 's' })
    if (!validated.ok) throw new Error('expected a valid event')
    expect(checkEvent(validated.event, CONTRACT, T)).toEqual({ ok: true, event: validated.event })
  })

  it('refuses what validateEvent refuses, naming the field the same way', () => {
    const ctx = { ...CONTRACT, now: T, reportingCurrency: 'USD', source: 's' }
    const raw = {
      event_id: 'e'.repeat(129),
      type: 'click',
      occurred_at: T,
      channel: 'Search',
      campaign_id: 'c',
    }
    const validated = validateEvent(raw, ctx)
    const checked = checkEvent(event({ event_id: 'e'.repeat(129), channel: 'Search' }), CONTRACT, T)
    expect(validated.ok || checked.ok).toBe(false)
    if (validated.ok || checked.ok) return
    expect(checked.errors).toEqual(validated.errors)
    expect(checked.reason).toBe('invalid_field')
  })

  it('checks every id, the optional ones only when present', () => {
    expect(fieldsOf(event({ ad_id: null, click_id: null, user_id: null }))).toEqual([])
    for (const field of ['event_id', 'campaign_id', 'source', 'ad_id', 'click_id', 'user_id'] as const) {
      expect(fieldsOf(event({ [field]: '' })), field).toEqual([field])
      expect(fieldsOf(event({ [field]: `x\u0000y` })), field).toEqual([field])
    }
  })

  it('takes the id and action limits from the contract', () => {
    const long = event({ event_id: 'e'.repeat(150) })
    expect(fieldsOf(long)).toEqual(['event_id'])
    expect(fieldsOf(long, { ...CONTRACT, maxIdLength: 200 })).toEqual([])
    const conversion = event({ type: 'conversion', action: 'purchase', value_micros: 5n })
    expect(fieldsOf(conversion)).toEqual([])
    expect(fieldsOf(conversion, { ...CONTRACT, maxActionLength: 7 })).toEqual(['action'])
  })

  it('holds the conversion-only fields to conversions, and money to 0..2^63-1', () => {
    expect(fieldsOf(event({ type: 'conversion', action: null, value_micros: 0n }))).toEqual(['action'])
    expect(fieldsOf(event({ action: 'purchase' }))).toEqual(['action'])
    expect(fieldsOf(event({ value_micros: 0n }))).toEqual(['value_micros'])
    expect(fieldsOf(event({ cost_micros: -1n }))).toEqual(['cost_micros'])
    expect(fieldsOf(event({ type: 'conversion', action: 'lead', value_micros: -5n }))).toEqual([
      'value_micros',
    ])
    expect(fieldsOf(event({ currency: 'XYZ' }))).toEqual(['currency'])
  })

  it('holds an engagement to a slug action within the action limit, and no value', () => {
    const like = event({ type: 'engagement', action: 'like', cost_micros: 40_000n })
    expect(fieldsOf(like)).toEqual([])
    expect(fieldsOf(event({ type: 'engagement', action: 'video_view', cost_micros: null }))).toEqual([])
    expect(fieldsOf(event({ type: 'engagement', action: null }))).toEqual(['action'])
    expect(fieldsOf(event({ type: 'engagement', action: 'Video View' }))).toEqual(['action'])
    expect(fieldsOf(like, { ...CONTRACT, maxActionLength: 3 })).toEqual(['action'])
    expect(fieldsOf(event({ type: 'engagement', action: 'share', value_micros: 0n }))).toEqual([
      'value_micros',
    ])
    const result = checkEvent(event({ type: 'engagement', action: '', value_micros: 5n }), CONTRACT, T)
    expect(result).toMatchObject({
      ok: false,
      reason: 'invalid_field',
      errors: [
        { field: 'action', expected: 'a lowercase slug of 1-64 characters (a-z, 0-9, _ or -)', got: '""' },
        {
          field: 'value_micros',
          expected: 'no value on an impression, click or engagement (only conversions carry revenue)',
          got: '5',
        },
      ],
    })
  })

  it("words an engagement's refusals as validateEvent does", () => {
    const ctx = { ...CONTRACT, now: T, reportingCurrency: 'USD', source: 's' }
    const raw = {
      event_id: 'e1',
      type: 'engagement',
      occurred_at: T - 60_000,
      channel: 'search',
      campaign_id: 'c1',
      action: 'Like!',
      value_micros: 3,
    }
    const validated = validateEvent(raw, ctx)
    const checked = checkEvent(
      event({
        type: 'engagement',
        action: 'Like!',
        value_micros: 3n,
        ad_id: null,
        click_id: null,
        user_id: null,
      }),
      CONTRACT,
      T,
    )
    expect(validated.ok || checked.ok).toBe(false)
    if (validated.ok || checked.ok) return
    expect(checked.errors).toEqual(validated.errors)
  })

  it("accepts a conversion with a click_id and '' as channel and campaign_id, as ingest sends a postback", () => {
    const postback = event({
      type: 'conversion',
      action: 'purchase',
      value_micros: 5n,
      channel: '',
      campaign_id: '',
    })
    expect(checkEvent(postback, CONTRACT, T)).toMatchObject({ ok: true })
    expect(fieldsOf({ ...postback, click_id: null })).toEqual(['campaign_id', 'channel'])
    expect(fieldsOf({ ...postback, type: 'click', action: null, value_micros: null })).toEqual([
      'campaign_id',
      'channel',
    ])
  })

  it('judges the event time against the receipt it is given', () => {
    const late = event({ occurred_at: T - CONTRACT.allowedLatenessMs - 1 })
    expect(checkEvent(late, CONTRACT, T)).toMatchObject({ ok: false, reason: 'too_late' })
    expect(checkEvent(late, CONTRACT, T - 1)).toMatchObject({ ok: true })
    const future = event({ occurred_at: T + CONTRACT.maxClockSkewMs + 1 })
    expect(checkEvent(future, CONTRACT, T)).toMatchObject({ ok: false, reason: 'too_far_in_future' })
  })

  it('names an event both invalid and late invalid_field, and reports both errors', () => {
    const both = event({ channel: 'Bad', occurred_at: T - CONTRACT.allowedLatenessMs - 1 })
    expect(checkEvent(both, CONTRACT, T)).toMatchObject({ ok: false, reason: 'invalid_field' })
    expect(fieldsOf(both)).toEqual(['channel', 'occurred_at'])
  })
})
