import { describe, expect, it } from 'vitest'
import {
  convertMicros,
  divideHalfEven,
  formatDecimalRate,
  parseDecimalRate,
  parseRatesTable,
  type RatesTable,
  utcDay,
} from './currency.ts'

const table = (json: unknown): RatesTable => {
  const result = parseRatesTable(json, 'USD')
  if (!result.ok) throw new Error(result.errors.join('\n'))
  return result.table
}
const NOV_22 = Date.UTC(2026, 10, 22, 23, 59, 59, 999)

describe('divideHalfEven', () => {
  it('rounds halves to the even neighbour and everything else to the nearest', () => {
    expect(divideHalfEven(5n, 2n)).toBe(2n) // 2.5 → 2
    expect(divideHalfEven(7n, 2n)).toBe(4n) // 3.5 → 4
    expect(divideHalfEven(7n, 3n)).toBe(2n) // 2.33 → 2
    expect(divideHalfEven(8n, 3n)).toBe(3n) // 2.67 → 3
    expect(divideHalfEven(0n, 3n)).toBe(0n)
  })
})

describe('parseDecimalRate', () => {
  it('keeps every digit as an exact fraction', () => {
    expect(parseDecimalRate('1.0842')).toEqual({ numerator: 10842n, denominator: 10000n })
    expect(parseDecimalRate('0.0000238')).toEqual({ numerator: 238n, denominator: 10_000_000n })
    expect(parseDecimalRate('12')).toEqual({ numerator: 12n, denominator: 1n })
    for (const bad of ['0', '0.000', '-1', '1e-5', '.5', '1,5', ''])
      expect(parseDecimalRate(bad)).toBeUndefined()
  })
})

describe('convertMicros', () => {
  const rates = table({
    EUR: { '2026-11-22': '1.0842', '2026-11-23': '1.1' },
    IRR: { '2026-11-22': '0.0000238' },
  })

  it('uses the rate of the event day (UTC)', () => {
    // 12.50 EUR × 1.0842 = 13.5525 USD
    expect(convertMicros(12_500_000n, 'EUR', NOV_22, 'USD', rates)).toEqual({ ok: true, micros: 13_552_500n })
    // a millisecond later it is the 23rd: 12.50 × 1.1 = 13.75
    expect(convertMicros(12_500_000n, 'EUR', NOV_22 + 1, 'USD', rates)).toEqual({
      ok: true,
      micros: 13_750_000n,
    })
  })

  it('stays exact for amounts past 2^63 micros (rials)', () => {
    // 10^20 micros of IRR × 238 / 10^7 = 2.38 × 10^15 micros of USD, exactly
    expect(convertMicros(10n ** 20n, 'IRR', NOV_22, 'USD', rates)).toEqual({
      ok: true,
      micros: 2_380_000_000_000_000n,
    })
    // 1 micro of IRR is 0.0000238 micros of USD: rounds to 0
    expect(convertMicros(1n, 'IRR', NOV_22, 'USD', rates)).toEqual({ ok: true, micros: 0n })
  })

  it('leaves the reporting currency alone, and never guesses a missing rate', () => {
    expect(convertMicros(7n, 'USD', NOV_22, 'USD', rates)).toEqual({ ok: true, micros: 7n })
    expect(convertMicros(7n, 'GBP', NOV_22, 'USD', rates)).toEqual({
      ok: false,
      reason: 'missing_rate',
      currency: 'GBP',
      day: '2026-11-22',
    })
    expect(convertMicros(7n, 'IRR', NOV_22 + 1, 'USD', rates)).toMatchObject({ ok: false, day: '2026-11-23' })
  })

  it('keys days in UTC', () => {
    expect(utcDay(Date.UTC(2026, 0, 1, 0, 0))).toBe('2026-01-01')
    expect(utcDay(Date.UTC(2025, 11, 31, 23, 59, 59, 999))).toBe('2025-12-31')
  })
})

describe('parseRatesTable', () => {
  it('names every bad entry', () => {
    const result = parseRatesTable(
      { eur: {}, USD: {}, GBP: { '2026-13-01': '1.2', '2026-11-22': 1.27, '2026-11-23': '0' }, JPY: [] },
      'USD',
    )
    expect(result).toEqual({
      ok: false,
      errors: [
        'rates.eur: expected an ISO 4217 code',
        'rates.USD: is the reporting currency (its rate is 1)',
        'rates.GBP.2026-13-01: expected a day as YYYY-MM-DD',
        'rates.GBP.2026-11-22: expected a positive decimal string such as "1.0842", got 1.27',
        'rates.GBP.2026-11-23: expected a positive decimal string such as "1.0842", got "0"',
        'rates.JPY: expected an object of day → rate',
      ],
    })
    expect(parseRatesTable(null, 'USD')).toMatchObject({ ok: false })
  })
})

describe('parseRatesTable: days and codes', () => {
  it('refuses days that do not exist and codes that are not currencies', () => {
    expect(parseRatesTable({ EUR: { '2026-02-30': '1.1' }, ABC: {} }, 'USD')).toEqual({
      ok: false,
      errors: ['rates.EUR.2026-02-30: expected a day as YYYY-MM-DD', 'rates.ABC: expected an ISO 4217 code'],
    })
  })
})

describe('formatDecimalRate', () => {
  it('writes a parsed rate back as its shortest decimal', () => {
    for (const [text, back] of [
      ['1.0842', '1.0842'],
      ['0.0000238', '0.0000238'],
      ['12', '12'],
      ['1.500000', '1.5'],
      ['150.0', '150'],
    ] as const) {
      const rate = parseDecimalRate(text)
      expect(rate && formatDecimalRate(rate)).toBe(back)
    }
  })
})
