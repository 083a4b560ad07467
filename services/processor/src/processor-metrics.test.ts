import type { IncomingBatch } from '@adpulse/kafka'
import { Registry } from '@adpulse/observability'
import { describe, expect, it } from 'vitest'
import { createProcessorMetrics } from './processor-metrics.ts'

const batch = (partition: number, offsets: number[], highWatermark: number): IncomingBatch => ({
  topic: 'events',
  partition,
  highWatermark: String(highWatermark),
  messages: offsets.map((offset) => ({
    offset: String(offset),
    key: null,
    value: null,
    headers: {},
    timestamp: 0,
  })),
})

const gauge = async (registry: Registry, name: string) =>
  Object.fromEntries(
    ((await registry.getSingleMetric(name)?.get())?.values ?? []).map((v) => [
      `${v.labels.topic}/${v.labels.partition}`,
      v.value,
    ]),
  )

describe('createProcessorMetrics', () => {
  it('reports the lag of a partition when a batch arrives and once it is written', async () => {
    const registry = new Registry()
    const metrics = createProcessorMetrics(registry, 50)
    const b = batch(0, [100, 101, 102], 110)
    metrics.fetched(b)
    expect(await gauge(registry, 'adpulse_processor_consumer_lag_messages')).toEqual({ 'events/0': 10 })
    metrics.written(b, {
      counted: 0,
      newestEventMs: Number.NEGATIVE_INFINITY,
      channels: [],
      poison: [],
      duplicates: 0,
    })
    expect(await gauge(registry, 'adpulse_processor_consumer_lag_messages')).toEqual({ 'events/0': 7 })
  })

  it('keeps the newest event time written per partition, which late events do not move back', async () => {
    const registry = new Registry()
    const metrics = createProcessorMetrics(registry, 50)
    const t = Date.UTC(2026, 10, 22, 10, 0)
    metrics.written(batch(1, [0], 1), {
      counted: 2,
      newestEventMs: t,
      channels: [],
      poison: [],
      duplicates: 0,
    })
    metrics.written(batch(1, [1], 2), {
      counted: 1,
      newestEventMs: t - 3_600_000,
      channels: [],
      poison: [],
      duplicates: 0,
    })
    expect(await gauge(registry, 'adpulse_processor_newest_event_timestamp_seconds')).toEqual({
      'events/1': t / 1000,
    })
  })

  it('drops the series of partitions the group moved to another instance', async () => {
    const registry = new Registry()
    const metrics = createProcessorMetrics(registry, 50)
    for (const p of [0, 1, 2])
      metrics.written(batch(p, [5], 9), {
        counted: 1,
        newestEventMs: 1e12,
        channels: [],
        poison: [],
        duplicates: 0,
      })
    metrics.assigned([{ topic: 'events', partitions: [1] }])
    expect(await gauge(registry, 'adpulse_processor_consumer_lag_messages')).toEqual({ 'events/1': 3 })
    expect(Object.keys(await gauge(registry, 'adpulse_processor_newest_event_timestamp_seconds'))).toEqual([
      'events/1',
    ])
  })

  it('counts records by outcome and poison as dead letters, both exported at 0 from the start', async () => {
    const registry = new Registry()
    const metrics = createProcessorMetrics(registry, 50)
    const text = await registry.metrics()
    expect(text).toContain('adpulse_processor_events_total{outcome="poison"} 0')
    expect(text).toContain('adpulse_dead_letters_total{stage="processor",reason="poison_record"} 0')
    metrics.written(batch(0, [0, 1, 2], 3), {
      counted: 1,
      newestEventMs: 1e12,
      channels: [],
      poison: ['poison_record', 'poison_record', 'too_late'],
      duplicates: 0,
    })
    const after = await registry.metrics()
    expect(after).toContain('adpulse_processor_events_total{outcome="counted"} 1')
    expect(after).toContain('adpulse_processor_events_total{outcome="poison"} 3')
    expect(after).toContain('adpulse_dead_letters_total{stage="processor",reason="poison_record"} 2')
    expect(after).toContain('adpulse_dead_letters_total{stage="processor",reason="too_late"} 1')
    expect(after).toContain('adpulse_dead_letters_total{stage="processor",reason="invalid_event"} 0')
  })

  it('counts ClickHouse write retries, exported at 0 from the start', async () => {
    const registry = new Registry()
    const metrics = createProcessorMetrics(registry, 50)
    expect(await registry.metrics()).toContain('adpulse_processor_clickhouse_retries_total 0')
    metrics.writeRetried()
    metrics.writeRetried()
    expect(await registry.metrics()).toContain('adpulse_processor_clickhouse_retries_total 2')
  })
})
