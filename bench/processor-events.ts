import { dateTime64 } from '@adpulse/clickhouse'
import { type AdEvent, createEventCodec } from '@adpulse/events'
import type { KafkaClient } from '@adpulse/kafka'

/**
 * The events of `pnpm bench:processor`: `campaigns` distinct campaigns, event
 * times over the last hour (every campaign active in a 1h KPI window), written
 * as the processor reads them (Avro, the events topic) and, the same events in
 * the same order and partitions, as JSONEachRow to the twin topic the
 * Kafka-engine peer reads.
 */
const CHANNELS = ['search', 'display', 'social', 'affiliate', 'email']

export function makeEvent(i: number, now: number, campaigns: number): AdEvent {
  const channel = CHANNELS[i % CHANNELS.length] as string
  const type = i % 50 === 0 ? 'conversion' : i % 10 === 0 ? 'click' : 'impression'
  return {
    event_id: `bench-${i}`,
    type,
    // Spread over the last hour, so every campaign is active in a 1h KPI window.
    occurred_at: now - ((i * 7919) % 3_600_000),
    channel,
    campaign_id: `campaign-${i % campaigns}`,
    ad_id: null,
    click_id: null,
    cost_micros: null,
    value_micros: type === 'conversion' ? 25_000_000n : null,
    action: type === 'conversion' ? 'purchase' : null,
    currency: 'USD',
    user_id: null,
    source: 'bench',
    received_at: now,
  }
}

/** The event as the peer's Kafka table reads it: events_raw's columns, the cost as sent (no pricing). */
function jsonRow(e: AdEvent): string {
  return JSON.stringify({
    event_id: e.event_id,
    source: e.source,
    type: e.type,
    occurred_at: dateTime64(e.occurred_at),
    channel: e.channel,
    campaign_id: e.campaign_id,
    ad_id: e.ad_id,
    click_id: e.click_id,
    user_id: e.user_id,
    action: e.action ?? '',
    cost_micros: String(e.cost_micros ?? 0n),
    value_micros: String(e.value_micros ?? 0n),
    currency: e.currency,
    received_at: dateTime64(e.received_at),
  })
}

export async function produceAll(
  kafka: KafkaClient,
  topics: { avro: string; json: string },
  events: number,
  campaigns: number,
): Promise<void> {
  const codec = createEventCodec()
  const producer = await kafka.createProducer()
  const now = Date.now()
  for (let start = 0; start < events; start += 5_000) {
    const avro = []
    const json = []
    for (let i = start; i < Math.min(events, start + 5_000); i++) {
      const event = makeEvent(i, now, campaigns)
      avro.push({ key: event.campaign_id, value: codec.encode(event) })
      json.push({ key: event.campaign_id, value: Buffer.from(jsonRow(event)) })
    }
    await producer.send(topics.avro, avro)
    await producer.send(topics.json, json)
  }
  await producer.disconnect()
}
