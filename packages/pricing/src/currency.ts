/**
 * Currency conversion at the rate of the event's day (DESIGN.md, KPIs): exact
 * rational arithmetic on integer micros, rounded half to even, so that sums in
 * the reporting currency never drift by a floating-point error.
 */
import { isCurrencyCode } from '@adpulse/events'

/** A rate as an exact fraction: 1 unit of the currency = numerator / denominator reporting units. */
export interface ExactRate {
  numerator: bigint
  denominator: bigint
}

/** Rates by currency and UTC day (`YYYY-MM-DD`). */
export type RatesTable = ReadonlyMap<string, ReadonlyMap<string, ExactRate>>

export type RatesParse = { ok: true; table: RatesTable } | { ok: false; errors: string[] }

export type Conversion =
  | { ok: true; micros: bigint }
  | { ok: false; reason: 'missing_rate'; currency: string; day: string }

/** `"0.0000238"` or `"1.0842"` or `"12"` → an exact fraction; undefined when not a positive decimal. */
export function parseDecimalRate(text: string): ExactRate | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text)
  if (!match) return undefined
  const fraction = match[2] ?? ''
  const numerator = BigInt(`${match[1]}${fraction}`)
  if (numerator === 0n) return undefined
  return { numerator, denominator: 10n ** BigInt(fraction.length) }
}

/**
 * Reads `{ "EUR": { "2026-11-22": "1.0842", … }, "IRR": { … } }`: rates to the
 * reporting currency, as decimal strings (a JSON number would already be rounded).
 */
export function parseRatesTable(json: unknown, reportingCurrency: string): RatesParse {
  const errors: string[] = []
  const table = new Map<string, Map<string, ExactRate>>()
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, errors: ['rates: expected an object of currency → { day → rate }'] }
  }
  for (const [currency, days] of Object.entries(json)) {
    if (!isCurrencyCode(currency)) errors.push(`rates.${currency}: expected an ISO 4217 code`)
    else if (currency === reportingCurrency)
      errors.push(`rates.${currency}: is the reporting currency (its rate is 1)`)
    if (typeof days !== 'object' || days === null || Array.isArray(days)) {
      errors.push(`rates.${currency}: expected an object of day → rate`)
      continue
    }
    const byDay = new Map<string, ExactRate>()
    for (const [day, rate] of Object.entries(days)) {
      const exact = typeof rate === 'string' ? parseDecimalRate(rate) : undefined
      if (!isUtcDay(day)) {
        errors.push(`rates.${currency}.${day}: expected a day as YYYY-MM-DD`)
      } else if (exact === undefined) {
        errors.push(
          `rates.${currency}.${day}: expected a positive decimal string such as "1.0842", got ${JSON.stringify(rate)}`,
        )
      } else byDay.set(day, exact)
    }
    table.set(currency, byDay)
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, table }
}

/** `YYYY-MM-DD` of a day that exists: Date.parse alone takes 2026-02-30 for March 2. */
function isUtcDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false
  const ms = Date.parse(`${day}T00:00:00Z`)
  return !Number.isNaN(ms) && utcDay(ms) === day
}

/** An exact rate back as the shortest decimal string (`1.0842`); the inverse of parseDecimalRate. */
export function formatDecimalRate(rate: ExactRate): string {
  let { numerator, denominator } = rate
  while (denominator > 1n && denominator % 10n === 0n && numerator % 10n === 0n) {
    numerator /= 10n
    denominator /= 10n
  }
  const places = denominator.toString().length - 1
  if (denominator !== 10n ** BigInt(places))
    throw new Error(`not a decimal rate: ${numerator}/${denominator}`)
  if (places === 0) return numerator.toString()
  const digits = numerator.toString().padStart(places + 1, '0')
  return `${digits.slice(0, -places)}.${digits.slice(-places)}`
}

/** The UTC day of an epoch-ms instant, as the rates table keys it. */
export const utcDay = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10)

/**
 * Converts an amount at the rate of its event day. A missing rate is an answer,
 * never a guess: the caller sends the event to the dead-letter topic.
 */
export function convertMicros(
  micros: bigint,
  currency: string,
  occurredAt: number,
  reportingCurrency: string,
  rates: RatesTable,
): Conversion {
  if (currency === reportingCurrency) return { ok: true, micros }
  const day = utcDay(occurredAt)
  const rate = rates.get(currency)?.get(day)
  if (!rate) return { ok: false, reason: 'missing_rate', currency, day }
  return { ok: true, micros: divideHalfEven(micros * rate.numerator, rate.denominator) }
}

/** a / b for a ≥ 0, b > 0, rounded half to even (banker's rounding: no bias in large sums). */
export function divideHalfEven(a: bigint, b: bigint): bigint {
  const quotient = a / b
  const twice = (a % b) * 2n
  if (twice > b || (twice === b && quotient % 2n === 1n)) return quotient + 1n
  return quotient
}
