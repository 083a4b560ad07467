import type { RawEventRow } from '@adpulse/clickhouse'
import { EventIdWindow } from './event-id-window.ts'
import type { PricedRecord } from './price-batch.ts'

export interface CountedBatch {
  /** The events to write, in offset order. */
  rows: RawEventRow[]
  /** Priced records dropped as repeats of an event counted before (or earlier in the batch). */
  duplicates: number
}

/**
 * Drops repeats: an event whose (source, campaign_id, event_id) the window has
 * within the horizon, or that came earlier in this batch. The window itself is
 * not changed: the caller adds the rows once ClickHouse acknowledged them.
 */
export function countOnce(
  priced: readonly PricedRecord[],
  window: Pick<EventIdWindow, 'isRepeat'>,
  horizonMs: number,
  where: { topic: string; partition: number },
): CountedBatch {
  const inBatch = new Map<string, number>()
  const rows: RawEventRow[] = []
  let duplicates = 0
  for (const event of priced) {
    const key = EventIdWindow.keyOf(event.source, event.campaign_id, event.event_id)
    const earlier = inBatch.get(key)
    const repeatInBatch = earlier !== undefined && event.received_at - earlier <= horizonMs
    if (repeatInBatch || window.isRepeat(key, event.received_at)) {
      duplicates++
      continue
    }
    inBatch.set(key, event.received_at)
    rows.push({
      event_id: event.event_id,
      source: event.source,
      type: event.type,
      occurred_at: event.occurred_at,
      channel: event.channel,
      campaign_id: event.campaign_id,
      action: event.action ?? '',
      cost_micros: event.cost_micros,
      value_micros: event.value_micros,
      currency: event.currency,
      original_currency: event.original_currency,
      original_cost_micros: event.original_cost_micros,
      original_value_micros: event.original_value_micros,
      received_at: event.received_at,
      topic: where.topic,
      partition: where.partition,
      offset: event.offset,
    })
  }
  return { rows, duplicates }
}
