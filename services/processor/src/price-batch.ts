import type { AdEvent, FramedCodec } from '@adpulse/events'
import type { IncomingMessage } from '@adpulse/kafka'
import type { PricedEvent } from '@adpulse/kpi'
import { costOf, type PricingTable } from '@adpulse/pricing'

/** A record of the events topic that cannot be counted, kept on the dead-letter topic. */
export interface PoisonRecord {
  offset: string
  reason: string
}

/** A priced event with what events_raw keeps of it, and the offset it came from. */
export interface PricedRecord extends PricedEvent {
  offset: string
  event_id: string
  source: string
  action: string | null
  currency: string
  received_at: number
}

export interface PricedBatch {
  priced: PricedRecord[]
  poison: PoisonRecord[]
}

/** Decodes and prices one batch of records; bad records are returned, never thrown. */
export function priceBatch(
  messages: IncomingMessage[],
  codec: FramedCodec<AdEvent>,
  pricing: PricingTable,
): PricedBatch {
  const priced: PricedRecord[] = []
  const poison: PoisonRecord[] = []
  for (const message of messages) {
    if (message.value === null) {
      poison.push({ offset: message.offset, reason: 'empty record (tombstone)' })
      continue
    }
    let event: AdEvent
    try {
      event = codec.decode(message.value)
    } catch (err) {
      poison.push({ offset: message.offset, reason: (err as Error).message })
      continue
    }
    priced.push({
      offset: message.offset,
      event_id: event.event_id,
      source: event.source,
      action: event.action,
      currency: event.currency,
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
