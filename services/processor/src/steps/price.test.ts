import { createEventCodec, DEFAULT_CONTRACT } from '@adpulse/events'
import type { IncomingMessage } from '@adpulse/kafka'
import { anEngagement, anEvent, TEST_NOW as T } from '@adpulse/testkit'
import { describe, expect, it } from 'vitest'
import { decodeBatch } from './decode.ts'
import { priceBatch } from './price.ts'

const LIMITS = { ...DEFAULT_CONTRACT, allowedLatenessMs: 7 * 86_400_000, maxClockSkewMs: 300_000 }
const codec = createEventCodec()
const PRICING = { channels: new Map(), campaigns: new Map() }

const message = (offset: number, value: Buffer | null): IncomingMessage => ({
  offset: String(offset),
  key: null,
  value,
  headers: {},
  timestamp: T,
})

describe('priceBatch', () => {
  it('counts the good records and returns every bad one with its offset and reason', () => {
    const batch = priceBatch(
      decodeBatch(
        [
          message(0, codec.encode(anEvent({ event_id: 'e1', cost_micros: 1000n }))),
          message(1, Buffer.from('not avro')),
          message(2, null),
          message(3, codec.encode(anEvent({ event_id: 'e2', occurred_at: T - 8 * 86_400_000 }))),
          message(4, codec.encode(anEvent({ event_id: 'e3', channel: 'Bad Channel' }))),
          message(5, codec.encode(anEvent({ event_id: 'e4', cost_micros: 1000n }))),
        ],
        codec,
        LIMITS,
      ),
      PRICING,
      { reportingCurrency: 'USD', rates: new Map() },
    )
    expect(batch.priced.map((p) => [p.offset, p.event_id, p.cost_micros])).toEqual([
      ['0', 'e1', 1000n],
      ['5', 'e4', 1000n],
    ])
    expect(batch.poison.map((p) => [p.offset, p.reason])).toEqual([
      ['1', 'poison_record'],
      ['2', 'poison_record'],
      ['3', 'too_late'],
      ['4', 'invalid_event'],
    ])
  })
})

describe('priceBatch: what the event carries', () => {
  it('keeps the ad, click and user ids as sent, null when the event had none', () => {
    const batch = priceBatch(
      decodeBatch(
        [
          message(
            0,
            codec.encode(anEvent({ event_id: 'e1', ad_id: 'ad-7', click_id: 'ck\\9', user_id: 'u 1' })),
          ),
          message(1, codec.encode(anEvent({ event_id: 'e2', ad_id: null, click_id: null, user_id: null }))),
        ],
        codec,
        LIMITS,
      ),
      PRICING,
      { reportingCurrency: 'USD', rates: new Map() },
    )
    expect(batch.poison).toEqual([])
    expect(batch.priced.map((p) => [p.event_id, p.ad_id, p.click_id, p.user_id])).toEqual([
      ['e1', 'ad-7', 'ck\\9', 'u 1'],
      ['e2', null, null, null],
    ])
  })
})

describe('priceBatch: engagements', () => {
  it('prices an engagement by its CPE or CPV model and keeps its action, with no value', () => {
    const pricing = {
      channels: new Map([
        ['social', { model: 'CPE' as const, rate_micros: 45_000n, actions: ['like'] }],
        ['video', { model: 'CPV' as const, rate_micros: 12_500n }],
      ]),
      campaigns: new Map(),
    }
    const batch = priceBatch(
      decodeBatch(
        [
          message(0, codec.encode(anEngagement({ event_id: 'g1', action: 'like' }))),
          message(1, codec.encode(anEngagement({ event_id: 'g2', action: 'share' }))),
          message(2, codec.encode(anEngagement({ event_id: 'g3', channel: 'video', action: 'video_view' }))),
          message(3, codec.encode(anEngagement({ event_id: 'g4', action: 'like', cost_micros: 3n }))),
        ],
        codec,
        LIMITS,
      ),
      pricing,
      { reportingCurrency: 'USD', rates: new Map() },
    )
    expect(batch.poison).toEqual([])
    expect(batch.priced.map((p) => [p.event_id, p.type, p.action, p.cost_micros, p.value_micros])).toEqual([
      ['g1', 'engagement', 'like', 45_000n, 0n],
      ['g2', 'engagement', 'share', 0n, 0n],
      ['g3', 'engagement', 'video_view', 12_500n, 0n],
      ['g4', 'engagement', 'like', 3n, 0n],
    ])
  })
})

describe('priceBatch: currencies', () => {
  const DAY = '2026-11-22'
  const rates = new Map([
    ['EUR', new Map([[DAY, { numerator: 10842n, denominator: 10000n }]])],
    ['JPY', new Map([[DAY, { numerator: 66n, denominator: 10000n }]])],
  ])
  const CPC = {
    channels: new Map([['search', { model: 'CPC' as const, rate_micros: 1_200_000n }]]),
    campaigns: new Map(),
  }

  it('converts at the event day, keeps the originals, prices in the reporting currency and dead-letters a missing rate', () => {
    const batch = priceBatch(
      decodeBatch(
        [
          message(0, codec.encode(anEvent({ currency: 'EUR', cost_micros: 2_000_001n }))),
          message(1, codec.encode(anEvent({ event_id: 'e2', source: 's', currency: 'GBP' }))),
          message(
            2,
            codec.encode(
              anEvent({
                event_id: 'e3',
                type: 'conversion',
                action: 'purchase',
                currency: 'JPY',
                cost_micros: null,
                value_micros: 7_500n,
              }),
            ),
          ),
          message(3, codec.encode(anEvent({ event_id: 'e4', currency: 'EUR', cost_micros: null }))),
          message(
            4,
            codec.encode(
              anEvent({
                event_id: 'e5',
                source: 's',
                occurred_at: T + 86_400_000 + 1,
                received_at: T + 86_400_000 + 2,
                currency: 'EUR',
              }),
            ),
          ),
        ],
        codec,
        LIMITS,
      ),
      CPC,
      { reportingCurrency: 'USD', rates },
    )
    expect(
      batch.priced.map((p) => [
        p.offset,
        p.currency,
        p.cost_micros,
        p.value_micros,
        p.original_currency,
        p.original_cost_micros,
        p.original_value_micros,
      ]),
    ).toEqual([
      // 2.000001 EUR × 1.0842 = 2.1684010842 → 2168401 micros
      ['0', 'USD', 2_168_401n, 0n, 'EUR', 2_000_001n, 0n],
      // 7500 micros of JPY × 0.0066 = 49.5 → 50 (half to even); no model prices the conversion
      ['2', 'USD', 0n, 50n, 'JPY', null, 7_500n],
      // priced by CPC in the reporting currency: no conversion, no original cost
      ['3', 'USD', 1_200_000n, 0n, 'EUR', null, 0n],
    ])
    // The event rides along, so its dead letter names its source, id and receipt.
    expect(batch.poison).toEqual([
      {
        offset: '1',
        reason: 'missing_rate',
        detail: 'no GBP rate for 2026-11-22 (the UTC day of occurred_at) in currency_rates',
        event: expect.objectContaining({ event_id: 'e2', source: 's' }),
      },
      {
        offset: '4',
        reason: 'missing_rate',
        detail: 'no EUR rate for 2026-11-23 (the UTC day of occurred_at) in currency_rates',
        event: expect.objectContaining({ event_id: 'e5', source: 's' }),
      },
    ])
  })
})
