import type { AdEvent } from '@adpulse/events'
import { convertMicros, type RatesTable, utcDay } from './currency.ts'

/** An event's money as it was sent: kept beside the converted amounts (DESIGN.md, KPIs). */
export interface OriginalAmounts {
  /** The ISO 4217 code the event was sent in. */
  currency: string
  /** The explicit cost as sent; null when the pricing model prices the event. */
  cost_micros: bigint | null
  /** A conversion's value as sent; null on impressions and clicks. */
  value_micros: bigint | null
}

export type EventConversion =
  | { ok: true; event: AdEvent; original: OriginalAmounts }
  | { ok: false; reason: 'missing_rate'; currency: string; day: string }

/**
 * The event with its explicit `cost_micros` and its `value_micros` in the
 * reporting currency, at the rate of its event day (the UTC day of
 * `occurred_at`), each rounded half to even, and `currency` the reporting one.
 * Price it afterwards: the pricing file's rates are in the reporting currency,
 * so a priced cost needs no conversion, and a CPS share is taken of the
 * converted value. An event without an amount needs no rate. Deterministic: the
 * same event and rates give the same answer, so a replay converts the same.
 */
export function convertEvent(event: AdEvent, reportingCurrency: string, rates: RatesTable): EventConversion {
  const original = {
    currency: event.currency,
    cost_micros: event.cost_micros,
    value_micros: event.value_micros,
  }
  if (event.currency === reportingCurrency || !carriesAmount(event)) {
    return { ok: true, event: { ...event, currency: reportingCurrency }, original }
  }
  const convert = (micros: bigint | null) =>
    micros === null
      ? null
      : convertMicros(micros, event.currency, event.occurred_at, reportingCurrency, rates)
  const cost = convert(event.cost_micros)
  const value = convert(event.value_micros)
  for (const result of [cost, value]) {
    if (result?.ok === false) return result
  }
  return {
    ok: true,
    event: {
      ...event,
      currency: reportingCurrency,
      cost_micros: cost?.ok ? cost.micros : null,
      value_micros: value?.ok ? value.micros : null,
    },
    original,
  }
}

/**
 * The rate an event needs that `rates` does not have, or null: what the
 * processor looks up before converting a batch, to re-read the rates once.
 */
export function missingRate(
  event: Pick<AdEvent, 'currency' | 'occurred_at' | 'cost_micros' | 'value_micros'>,
  reportingCurrency: string,
  rates: RatesTable,
): { currency: string; day: string } | null {
  if (event.currency === reportingCurrency || !carriesAmount(event)) return null
  const day = utcDay(event.occurred_at)
  return rates.get(event.currency)?.has(day) ? null : { currency: event.currency, day }
}

const carriesAmount = (event: Pick<AdEvent, 'cost_micros' | 'value_micros'>): boolean =>
  event.cost_micros !== null || event.value_micros !== null
