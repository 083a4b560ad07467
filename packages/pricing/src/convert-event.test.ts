import type { AdEvent } from '@adpulse/events'
import { anEvent } from '@adpulse/events/testing'
import { describe, expect, it } from 'vitest'
import { convertEvent, missingRate } from './convert-event.ts'
import { costOf } from './cost.ts'
import { parseRatesTable, type RatesTable } from './currency.ts'

const rates = ((): RatesTable => {
  const result = parseRatesTable(
    { EUR: { '2026-11-22': '1.0842' }, JPY: { '2026-11-22': '0.0066' }, IRR: { '2026-11-22': '0.0000238' } },
    'USD',
  )
  if (!result.ok) throw new Error(result.errors.join('\n'))
  return result.table
})()
const NOV_22 = Date.UTC(2026, 10, 22, 10, 0)

/** A purchase in EUR on a day with rates, with both an explicit cost and a value to convert. */
const event = (over: Partial<AdEvent> = {}): AdEvent =>
  anEvent({
    type: 'conversion',
    occurred_at: NOV_22,
    received_at: NOV_22,
    channel: 'affiliate',
    cost_micros: 2_500_001n,
    value_micros: 40_000_000n,
    action: 'purchase',
    currency: 'EUR',
    ...over,
  })

describe('convertEvent', () => {
  it('converts the explicit cost and the value at the event day, keeping the originals', () => {
    const result = convertEvent(event(), 'USD', rates)
    expect(result).toEqual({
      ok: true,
      // 2.500001 EUR × 1.0842 = 2.7105010842 USD → 2710501 micros; 40 EUR × 1.0842 = 43.368 USD
      event: event({ currency: 'USD', cost_micros: 2_710_501n, value_micros: 43_368_000n }),
      original: { currency: 'EUR', cost_micros: 2_500_001n, value_micros: 40_000_000n },
    })
  })

  it('rounds each amount half to even', () => {
    // 1250 micros of JPY × 0.0066 = 8.25 → 8; 1350 × 0.0066 = 8.91 → 9; 2500 × 0.0066 = 16.5 → 16 (even)
    const amounts = [1250n, 1350n, 2500n, 7500n].map((micros) => {
      const result = convertEvent(event({ currency: 'JPY', cost_micros: micros }), 'USD', rates)
      return result.ok ? result.event.cost_micros : undefined
    })
    // 7500 × 0.0066 = 49.5 → 50 (even)
    expect(amounts).toEqual([8n, 9n, 16n, 50n])
  })

  it('leaves the reporting currency and amount-less events alone, with the originals kept', () => {
    expect(convertEvent(event({ currency: 'USD' }), 'USD', rates)).toMatchObject({
      ok: true,
      event: { currency: 'USD', cost_micros: 2_500_001n, value_micros: 40_000_000n },
      original: { currency: 'USD', cost_micros: 2_500_001n },
    })
    // A click priced by its model carries no money of its own: no rate needed, even for a day without one.
    const click = event({
      type: 'click',
      action: null,
      cost_micros: null,
      value_micros: null,
      currency: 'GBP',
      occurred_at: NOV_22 + 86_400_000,
    })
    expect(convertEvent(click, 'USD', rates)).toEqual({
      ok: true,
      event: { ...click, currency: 'USD' },
      original: { currency: 'GBP', cost_micros: null, value_micros: null },
    })
    expect(missingRate(click, 'USD', rates)).toBeNull()
  })

  it('never guesses: a missing day or currency is an answer', () => {
    const nextDay = event({ occurred_at: NOV_22 + 86_400_000 })
    expect(convertEvent(nextDay, 'USD', rates)).toEqual({
      ok: false,
      reason: 'missing_rate',
      currency: 'EUR',
      day: '2026-11-23',
    })
    expect(missingRate(nextDay, 'USD', rates)).toEqual({ currency: 'EUR', day: '2026-11-23' })
    expect(missingRate(event(), 'USD', rates)).toBeNull()
    expect(convertEvent(event({ currency: 'GBP' }), 'USD', rates)).toMatchObject({
      ok: false,
      currency: 'GBP',
    })
  })

  it('prices after converting: model rates are in the reporting currency, CPS takes its share of the converted value', () => {
    const pricing = {
      channels: new Map([['affiliate', { model: 'CPS' as const, rate_bps: 1000 }]]),
      campaigns: new Map(),
    }
    const result = convertEvent(event({ cost_micros: null }), 'USD', rates)
    if (!result.ok) throw new Error('expected a conversion')
    // 10 % of 43.368 USD
    expect(costOf(result.event, pricing)).toBe(4_336_800n)
    expect(result.original.cost_micros).toBeNull()
  })

  it('stays exact for rial amounts past 2^63 micros', () => {
    const result = convertEvent(
      event({ currency: 'IRR', value_micros: 9_000_000_000_000_000_000n }),
      'USD',
      rates,
    )
    // 9 × 10^18 × 238 / 10^7 = 2.142 × 10^14
    expect(result.ok && result.event.value_micros).toBe(214_200_000_000_000n)
  })
})
