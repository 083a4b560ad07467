import {
  type AdEvent,
  checkEvent,
  type DeadLetterReason,
  deadLetterReasonOf,
  describeFieldError,
  type EventContract,
  type FramedCodec,
} from '@adpulse/events'
import type { IncomingMessage } from '@adpulse/kafka'
import type { PricedEvent } from '@adpulse/kpi'
import { convertEvent, costOf, type PricingTable, type RatesTable } from '@adpulse/pricing'

/** Why a record of the events topic is not counted (the `reason` of its dead letter): the one list, in packages/events. */
export type { DeadLetterReason } from '@adpulse/events'

/** A record of the events topic that cannot be counted, kept on the dead-letter topic. */
export interface PoisonRecord {
  offset: string
  reason: DeadLetterReason
  detail: string
}

/** The contract a decoded event is checked against: the one ingest validated it with (config.contract). */
export type TimeLimits = EventContract

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
  action: string | null
  currency: string
  /** The currency and amounts as sent (events_raw's original_* columns). */
  original_currency: string
  original_cost_micros: bigint | null
  original_value_micros: bigint
  received_at: number
}

export interface PricedBatch {
  priced: PricedRecord[]
  poison: PoisonRecord[]
}

/** A record decoded and checked against the contract, not yet converted nor priced. */
export interface DecodedRecord {
  offset: string
  event: AdEvent
}

export interface DecodedBatch {
  decoded: DecodedRecord[]
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
 * Decodes and checks one batch of records. Ingest validates what it writes, but
 * the topic may hold records from other writers: valid Avro with invalid values,
 * and event times outside the allowed lateness or clock skew (judged against the
 * receipt time, so a replay decides the same), are dead letters too.
 */
export function decodeBatch(
  messages: IncomingMessage[],
  codec: FramedCodec<AdEvent>,
  limits: TimeLimits,
): DecodedBatch {
  const decoded: DecodedRecord[] = []
  const poison: PoisonRecord[] = []
  for (const message of messages) {
    if (message.value === null) {
      poison.push({ offset: message.offset, reason: 'poison_record', detail: 'empty record (tombstone)' })
      continue
    }
    let event: AdEvent
    try {
      event = codec.decode(message.value)
    } catch (err) {
      poison.push({ offset: message.offset, reason: 'poison_record', detail: (err as Error).message })
      continue
    }
    const problem = checkDecoded(event, limits)
    if (problem) poison.push({ offset: message.offset, ...problem })
    else decoded.push({ offset: message.offset, event })
  }
  return { decoded, poison }
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
      })
      continue
    }
    const { event, original } = conversion
    priced.push({
      offset,
      event_id: event.event_id,
      source: event.source,
      action: event.action,
      currency: event.currency,
      original_currency: original.currency,
      original_cost_micros: original.cost_micros,
      original_value_micros: original.value_micros ?? 0n,
      received_at: event.received_at,
      type: event.type,
      occurred_at: event.occurred_at,
      channel: event.channel,
      campaign_id: event.campaign_id,
      cost_micros: costOf(event, pricing),
      value_micros: event.type === 'conversion' ? (event.value_micros ?? 0n) : 0n,
    })
  }
  return { priced, poison }
}

/** The contract's rules that Avro's types cannot carry (DESIGN.md, Events): checkEvent, as ingest applies them. */
export function checkDecoded(
  event: AdEvent,
  limits: TimeLimits,
): { reason: DeadLetterReason; detail: string } | null {
  const checked = checkEvent(event, limits, event.received_at)
  if (checked.ok) return null
  return {
    reason: deadLetterReasonOf(checked.reason),
    detail: checked.errors.map(describeFieldError).join('; '),
  }
}
