import type { Attribution } from '@adpulse/clickhouse'
import type { PricedEvent } from '@adpulse/kpi'
import { convertEvent, costOf, type PricingTable, type RatesTable } from '@adpulse/pricing'
import type { DecodedBatch, DecodedRecord, PoisonRecord } from './decode.ts'

/** The reporting currency and the exchange rates to it (docs/currencies.md). */
export interface CurrencyContext {
  reportingCurrency: string
  rates: RatesTable
}

/**
 * A priced event with what events_raw keeps of it, and the offset it came from.
 * cost_micros and value_micros are in `currency`, the reporting currency.
 */
export interface PricedRecord extends PricedEvent {
  offset: string
  event_id: string
  source: string
  /** The event's ids as sent, null when it had none (events_raw keeps them). */
  ad_id: string | null
  click_id: string | null
  user_id: string | null
  action: string | null
  currency: string
  /** The currency and amounts as sent (events_raw's original_* columns). */
  original_currency: string
  original_cost_micros: bigint | null
  original_value_micros: bigint
  received_at: number
  /** Set by attribution (attribution/credit-rows.ts) on a conversion with a click_id; see RawEventRow. */
  attribution?: Attribution
  reported_channel?: string
  reported_campaign_id?: string
  reported_ad_id?: string | null
  resolution?: number
}

export interface PricedBatch {
  priced: PricedRecord[]
  poison: PoisonRecord[]
}

/**
 * Converts and prices a decoded batch (priceDecoded); the dead letters of both
 * steps in offset order. Bad records are returned, never thrown.
 */
export function priceBatch(
  { decoded, poison }: DecodedBatch,
  pricing: PricingTable,
  currency: CurrencyContext,
): PricedBatch {
  const priced = priceDecoded(decoded, pricing, currency)
  return {
    priced: priced.priced,
    poison: [...poison, ...priced.poison].sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1)),
  }
}

/**
 * Converts each event's money to the reporting currency at the rate of its event
 * day, then prices it (the pricing file's rates are in the reporting currency).
 * An event whose rate is missing is a `missing_rate` dead letter, never counted
 * at a guessed rate: replayed once the rate is imported, it counts then.
 */
export function priceDecoded(
  decoded: readonly DecodedRecord[],
  pricing: PricingTable,
  { reportingCurrency, rates }: CurrencyContext,
): PricedBatch {
  const priced: PricedRecord[] = []
  const poison: PoisonRecord[] = []
  for (const { offset, event: sent } of decoded) {
    const conversion = convertEvent(sent, reportingCurrency, rates)
    if (!conversion.ok) {
      poison.push({
        offset,
        reason: 'missing_rate',
        detail: `no ${conversion.currency} rate for ${conversion.day} (the UTC day of occurred_at) in currency_rates`,
        event: sent,
      })
      continue
    }
    const { event, original } = conversion
    priced.push({
      offset,
      event_id: event.event_id,
      source: shared(event.source),
      ad_id: event.ad_id,
      click_id: event.click_id,
      user_id: event.user_id,
      action: event.action === null ? null : shared(event.action),
      currency: shared(event.currency),
      original_currency: shared(original.currency),
      original_cost_micros: original.cost_micros,
      original_value_micros: original.value_micros ?? 0n,
      received_at: event.received_at,
      type: event.type,
      occurred_at: event.occurred_at,
      channel: shared(event.channel),
      campaign_id: event.campaign_id,
      cost_micros: costOf(event, pricing),
      value_micros: event.type === 'conversion' ? (event.value_micros ?? 0n) : 0n,
    })
  }
  return { priced, poison }
}

/** The strings of fields with few values, one object per value (bounded: cleared when it grows past this). */
const SHARED_STRINGS_MAX = 4_096
const sharedStrings = new Map<string, string>()

/**
 * One string object per value of a field with few values (source, channel,
 * currencies, action): a decoded event's are new objects each, and a priced
 * record outlives its insert (up to 65,536 of them), so sharing them lets the
 * decoded ones die with their chunk.
 */
function shared(value: string): string {
  const known = sharedStrings.get(value)
  if (known !== undefined) return known
  if (sharedStrings.size >= SHARED_STRINGS_MAX) sharedStrings.clear()
  sharedStrings.set(value, value)
  return value
}
