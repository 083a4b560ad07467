import { readFile } from 'node:fs/promises'
import type { CurrencyRateStore, StoredRate } from '@adpulse/clickhouse'
import { formatDecimalRate, parseRatesTable } from '@adpulse/pricing'
import { parse as parseYaml } from 'yaml'

/** A rates file that cannot be imported, with every problem (each naming its currency and day). */
export class RatesFileError extends Error {
  readonly code = 'BAD_RATES_FILE'
  readonly retriable = false
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`rates file ${path}:\n  - ${problems.join('\n  - ')}`)
  }
}

/** currency_rates keeps a rate as Decimal(38, 18): at most 18 decimal places and 20 integer digits. */
const MAX_PLACES = 18n
const MAX_RATE = 10n ** 20n

/**
 * Reads and validates a rates file: YAML or JSON (JSON is YAML) of
 * `{ EUR: { "2026-11-22": "1.0842" } }`, the rate of 1 unit of each currency in
 * units of the reporting currency on each UTC day. Scalars are read as the text
 * written (the YAML failsafe schema), so `1.0842` is exact whether quoted or not
 * and never passes through a double. Throws a RatesFileError listing every problem.
 */
export async function readRatesFile(path: string, reportingCurrency: string): Promise<StoredRate[]> {
  let text: string
  let json: unknown
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new RatesFileError(path, [`cannot read: ${(err as Error).message}`])
  }
  try {
    json = parseYaml(text, { schema: 'failsafe' })
  } catch (err) {
    throw new RatesFileError(path, [`not YAML or JSON: ${(err as Error).message}`])
  }
  const parsed = parseRatesTable(json ?? null, reportingCurrency)
  if (!parsed.ok) throw new RatesFileError(path, parsed.errors)
  const problems: string[] = []
  const rates: StoredRate[] = []
  for (const [currency, days] of parsed.table) {
    for (const [day, rate] of days) {
      if (rate.denominator > 10n ** MAX_PLACES || rate.numerator / rate.denominator >= MAX_RATE) {
        problems.push(
          `rates.${currency}.${day}: at most 18 decimal places and 20 integer digits (stored as Decimal(38, 18))`,
        )
      } else rates.push({ currency, day, rate: formatDecimalRate(rate) })
    }
  }
  if (problems.length > 0) throw new RatesFileError(path, problems)
  if (rates.length === 0) throw new RatesFileError(path, ['no rates in the file'])
  return rates
}

/**
 * `adpulse rates import FILE` (and ADPULSE_RATES_FILE): validates the whole file,
 * then writes every rate in one insert. A (currency, day) already in the table is
 * replaced. Processors pick the rates up at their next refresh, or at once when
 * an event needs one they do not have.
 */
export async function importRatesFile(
  store: Pick<CurrencyRateStore, 'upsert'>,
  path: string,
  reportingCurrency: string,
): Promise<{ rates: number; currencies: string[] }> {
  const rates = await readRatesFile(path, reportingCurrency)
  await store.upsert(rates)
  return { rates: rates.length, currencies: [...new Set(rates.map((r) => r.currency))] }
}
