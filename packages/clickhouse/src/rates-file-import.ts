import { readFile } from 'node:fs/promises'
import { type DayRate, parseRatesFile } from '@adpulse/pricing'
import type { CurrencyRateStore } from './currency-rate-store.ts'

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

/**
 * Reads a rates file from disk and validates it (parseRatesFile, in
 * packages/pricing). Throws a RatesFileError listing every problem.
 */
export async function readRatesFile(path: string, reportingCurrency: string): Promise<DayRate[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new RatesFileError(path, [`cannot read: ${(err as Error).message}`])
  }
  const parsed = parseRatesFile(text, reportingCurrency)
  if (!parsed.ok) throw new RatesFileError(path, parsed.problems)
  return parsed.rates
}

/**
 * `adpulse rates import FILE` (and ADPULSE_RATES_FILE): validates the whole file,
 * then writes every rate to currency_rates in one insert. A (currency, day)
 * already in the table is replaced. Processors pick the rates up at their next
 * refresh, or at once when an event needs one they do not have.
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
