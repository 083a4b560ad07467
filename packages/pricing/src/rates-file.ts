import { parse as parseYaml } from 'yaml'
import { formatDecimalRate, parseRatesTable } from './currency.ts'

/** One rate of a rates file: 1 unit of `currency` is `rate` units of the reporting currency on `day`. */
export interface DayRate {
  /** ISO 4217 code. */
  currency: string
  /** UTC day, `YYYY-MM-DD`. */
  day: string
  /** The rate as a decimal string, exactly as written (at most Decimal(38, 18)). */
  rate: string
}

/** A rates file's rates, or every problem (each naming its currency and day). */
export type RatesFileResult = { ok: true; rates: DayRate[] } | { ok: false; problems: string[] }

/** currency_rates keeps a rate as Decimal(38, 18): at most 18 decimal places and 20 integer digits. */
const MAX_PLACES = 18n
const MAX_RATE = 10n ** 20n

/**
 * Parses and validates the text of a rates file: YAML or JSON (JSON is YAML) of
 * `{ EUR: { "2026-11-22": "1.0842" } }`, the rate of 1 unit of each currency in
 * units of the reporting currency on each UTC day. Scalars are read as the text
 * written (the YAML failsafe schema), so `1.0842` is exact whether quoted or not
 * and never passes through a double.
 */
export function parseRatesFile(text: string, reportingCurrency: string): RatesFileResult {
  let json: unknown
  try {
    json = parseYaml(text, { schema: 'failsafe' })
  } catch (err) {
    return { ok: false, problems: [`not YAML or JSON: ${(err as Error).message}`] }
  }
  const parsed = parseRatesTable(json ?? null, reportingCurrency)
  if (!parsed.ok) return { ok: false, problems: parsed.errors }
  const problems: string[] = []
  const rates: DayRate[] = []
  for (const [currency, days] of parsed.table) {
    for (const [day, rate] of days) {
      if (rate.denominator > 10n ** MAX_PLACES || rate.numerator / rate.denominator >= MAX_RATE) {
        problems.push(
          `rates.${currency}.${day}: at most 18 decimal places and 20 integer digits (stored as Decimal(38, 18))`,
        )
      } else rates.push({ currency, day, rate: formatDecimalRate(rate) })
    }
  }
  if (problems.length > 0) return { ok: false, problems }
  if (rates.length === 0) return { ok: false, problems: ['no rates in the file'] }
  return { ok: true, rates }
}
