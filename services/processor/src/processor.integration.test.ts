import { KpiStore, RawEventStore } from '@adpulse/clickhouse'
import type { AdEvent } from '@adpulse/events'
import { createKafkaClient } from '@adpulse/kafka'
import { createRegistry, type Registry } from '@adpulse/observability'
import { anEvent, pollUntil } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { logger, processorRig, withInsert } from '../test/processor-rig.ts'
import type { RetryPolicy } from './write/insert-retry.ts'

/**
 * The processor on the run's real broker and ClickHouse: repeats of an event_id
 * count once, also after a restart (the dedup state rebuilt from events_raw), and
 * a ClickHouse write that fails or loses its answer is retried with the same
 * token until it lands, once. The faulty client wraps the real one.
 */
/** A click a minute old, received now. */
function event(id: string, campaign: string, over: Partial<AdEvent> = {}): AdEvent {
  return anEvent(
    { event_id: id, campaign_id: campaign, source: 'it', cost_micros: 1000n, ...over },
    Date.now(),
  )
}

/** One test's own topic, group and database, with the sums and the events_raw counts it checks. */
function pipeline(prefix: string, partitions = 2, env: Record<string, string> = {}) {
  const r = processorRig(prefix, { partitions, env })
  const { config } = r
  return {
    config,
    get client() {
      return r.client
    },
    open: () => r.open(),
    close: () => r.close(),
    send: r.send,
    start: (
      registry: Registry,
      store: RawEventStore,
      retry: RetryPolicy = { attemptTimeoutMs: 2000, initialDelayMs: 10, maxDelayMs: 50 },
    ) => r.start({ registry, store, retry }),
    /** Waits until the processor wrote `count` events, then checks the sums. */
    async counted(count: number) {
      const kpis = new KpiStore(r.client, config.clickhouse.database)
      const range = { from: 0, to: Date.now() + 3_600_000 }
      return pollUntil(
        () => kpis.sums(range, 'campaign'),
        (rows) => rows.reduce((n, row) => n + row.clicks, 0) >= count,
        { what: `${count} clicks counted` },
      )
    },
    async rows() {
      const result = await r.client.query({
        query: `SELECT count() AS rows, uniqExact(topic, partition, offset) AS offsets,
            uniqExact(source, campaign_id, event_id) AS ids
          FROM ${config.clickhouse.database}.events_raw`,
        format: 'JSONEachRow',
      })
      const [row] = await result.json<Record<string, unknown>>()
      return { rows: Number(row?.rows), offsets: Number(row?.offsets), ids: Number(row?.ids) }
    },
  }
}

const counterOf = async (registry: Registry, name: string) =>
  (await registry.getSingleMetric(name)?.get())?.values[0]?.value
const duplicatesOf = (registry: Registry) => counterOf(registry, 'adpulse_processor_duplicates_total')

describe('processor: event-id dedup', () => {
  const p = pipeline('dedup')
  beforeAll(() => p.open())
  afterAll(() => p.close())

  it('counts a repeated event_id once, within a batch, across batches and after a restart', async () => {
    const store = new RawEventStore(p.client, p.config.clickhouse.database)
    const first = [
      ...Array.from({ length: 20 }, (_, i) => event(`e${i}`, `c${i % 4}`)),
      // repeats in the same send (likely the same batch): dropped
      event('e1', 'c1'),
      event('e2', 'c2'),
      // the same id under another campaign is another event
      event('e1', 'c3'),
    ]
    await p.send(first)
    const registry = createRegistry('processor')
    const running = await p.start(registry, store)
    await p.counted(21)
    await pollUntil(
      () => duplicatesOf(registry),
      (n) => n === 2,
      { what: 'two duplicates counted' },
    )
    await running.stop()

    // A new processor knows nothing in memory: it must rebuild the ids from events_raw.
    await p.send([event('e3', 'c3'), event('e4', 'c0'), event('e20', 'c0'), event('e21', 'c1')])
    const restarted = createRegistry('processor')
    await p.start(restarted, store)
    const rows = await p.counted(23)
    await pollUntil(
      () => duplicatesOf(restarted),
      (n) => n === 2,
      { what: 'the repeats after the restart dropped' },
    )
    expect(rows.reduce((n, r) => n + r.clicks, 0)).toBe(23)
    expect(rows.reduce((n, r) => n + r.spend_micros, 0n)).toBe(23_000n)
    expect(await p.rows()).toEqual({ rows: 23, offsets: 23, ids: 23 })
  })
})

describe('processor: event-id dedup with a capped window', () => {
  // One partition, three ids in memory: most of what was counted is only in events_raw.
  const p = pipeline('dedupcap', 1, { ADPULSE_DEDUP_MAX_IDS: '3' })
  beforeAll(() => p.open())
  afterAll(() => p.close())

  it('drops repeats older than the ids in memory but within the horizon, also after a restart', async () => {
    const store = new RawEventStore(p.client, p.config.clickhouse.database)
    await p.send(Array.from({ length: 20 }, (_, i) => event(`k${i}`, `c${i % 4}`)))
    const registry = createRegistry('processor')
    const running = await p.start(registry, store)
    await p.counted(20)

    // k0, k1 and k5 left memory long ago (cap 3) but are within the 48 h horizon.
    await p.send([event('k0', 'c0'), event('k1', 'c1'), event('k5', 'c1'), event('k20', 'c0')])
    await p.counted(21)
    await pollUntil(
      () => duplicatesOf(registry),
      (n) => n === 3,
      { what: 'three repeats of forgotten ids dropped' },
    )
    expect(await counterOf(registry, 'adpulse_processor_dedup_lookups_total')).toBeGreaterThan(0)
    await running.stop()

    // A restart loads only the newest three ids; older repeats are still found in events_raw.
    await p.send([event('k2', 'c2'), event('k10', 'c2'), event('k20', 'c0'), event('k21', 'c1')])
    const restarted = createRegistry('processor')
    await p.start(restarted, store)
    await p.counted(22)
    await pollUntil(
      () => duplicatesOf(restarted),
      (n) => n === 3,
      { what: 'the repeats after the restart dropped' },
    )
    const rows = await p.counted(22)
    expect(rows.reduce((n, r) => n + r.clicks, 0)).toBe(22)
    expect(rows.reduce((n, r) => n + r.spend_micros, 0n)).toBe(22_000n)
    expect(await p.rows()).toEqual({ rows: 22, offsets: 22, ids: 22 })
  })
})

describe('processor: ClickHouse write retries', () => {
  const p = pipeline('retry')
  beforeAll(() => p.open())
  afterAll(() => p.close())

  it('retries a failed and a timed-out insert with the same token: nothing lost, nothing doubled', async () => {
    const tokens: string[] = []
    let calls = 0
    // The real client, whose insert fails twice, then lands but never answers (a lost ack), then works.
    const faulty = withInsert(p.client, async (params, real) => {
      calls++
      tokens.push(String(params.clickhouse_settings?.insert_deduplication_token))
      if (calls <= 2) throw new Error('injected: connection refused')
      const result = await real.insert(params)
      if (calls === 3) return new Promise<never>(() => undefined)
      return result
    })
    const store = new RawEventStore(faulty, p.config.clickhouse.database)
    const events = Array.from({ length: 50 }, (_, i) => event(`r${i}`, 'c1'))
    await p.send(events)
    const registry = createRegistry('processor')
    await p.start(registry, store, {
      attemptTimeoutMs: 500,
      initialDelayMs: 10,
      maxDelayMs: 50,
    })
    await p.counted(50)
    // The lost-ack attempt landed; wait for the retry after its timeout, then look again.
    await pollUntil(
      async () => calls,
      (n) => n >= 4,
      { what: 'the retry after the timed-out attempt' },
    )
    const rows = await p.counted(50)
    expect(rows).toEqual([expect.objectContaining({ campaign_id: 'c1', clicks: 50, spend_micros: 50_000n })])
    expect(await p.rows()).toEqual({ rows: 50, offsets: 50, ids: 50 })
    // The first four attempts were the same rows: one token.
    expect(new Set(tokens.slice(0, 4)).size).toBe(1)
    // Two failures and a timeout: three retries, counted where they are logged.
    expect(await counterOf(registry, 'adpulse_processor_clickhouse_retries_total')).toBeGreaterThanOrEqual(3)
  })
})

describe('processor: a write ClickHouse refuses for good', () => {
  const p = pipeline('refused', 1)
  beforeAll(() => p.open())
  afterAll(() => p.close())

  it('waits without committing, fails readiness with the code, counts it, and resumes once fixed', async () => {
    const database = p.config.clickhouse.database
    let broken = true
    let refused = 0
    // The real client, whose inserts go to a table that does not exist while `broken`: chDB's own UNKNOWN_TABLE.
    const faulty = withInsert(p.client, async (params, real) => {
      if (!broken) return real.insert(params)
      refused++
      return real.insert({ ...params, table: `${database}.events_raw_gone` })
    })
    const store = new RawEventStore(faulty, database)
    await p.send(Array.from({ length: 10 }, (_, i) => event(`f${i}`, 'c1')))
    const registry = createRegistry('processor')
    const running = await p.start(registry, store, {
      attemptTimeoutMs: 2000,
      initialDelayMs: 10,
      maxDelayMs: 50,
      permanentDelayMs: 100,
    })
    const readiness = () =>
      running.readiness.check().then(
        () => 'ok',
        (err: Error) => err.message,
      )
    expect(await pollUntil(readiness, (m) => m !== 'ok', { what: 'readiness failing' })).toMatch(
      /UNKNOWN_TABLE/,
    )
    await pollUntil(
      async () => refused,
      (n) => n >= 3,
      { what: 'three refused attempts' },
    )
    // Retried slowly, never skipped: nothing written, nothing committed.
    expect(await p.rows()).toEqual({ rows: 0, offsets: 0, ids: 0 })
    const kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: 'probe', logger })
    const progress = await kafka.groupProgress(p.config.processor.groupId, p.config.kafka.topics.events)
    expect(progress.map((e) => e.committedOffset)).toEqual([-1n])
    const errors = await registry.getSingleMetric('adpulse_processor_clickhouse_errors_total')?.get()
    const permanent = errors?.values.find((v) => v.labels.kind === 'permanent')
    expect(permanent?.value).toBeGreaterThanOrEqual(3)
    expect(await counterOf(registry, 'adpulse_processor_clickhouse_retries_total')).toBe(0)

    // The operator fixes it: the same rows land once, readiness recovers, the offsets are committed.
    broken = false
    await p.counted(10)
    expect(await pollUntil(readiness, (m) => m === 'ok', { what: 'readiness again' })).toBe('ok')
    expect(await p.rows()).toEqual({ rows: 10, offsets: 10, ids: 10 })
    await pollUntil(
      () => kafka.groupProgress(p.config.processor.groupId, p.config.kafka.topics.events),
      (ends) => ends.every((e) => e.committedOffset === 10n),
      { what: 'the batch committed' },
    )
    await kafka.close()
  })
})

describe('processor: resume after a crash between insert and commit', () => {
  const p = pipeline('resume')
  beforeAll(() => p.open())
  afterAll(() => p.close())

  it('skips the records a previous owner wrote but never committed, and completes their buckets', async () => {
    const events = Array.from({ length: 10 }, (_, i) => event(`s${i}`, 'c1'))
    await p.send(events)
    // Where they landed: campaign c1 is one partition, offsets 0-9.
    const kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: 'probe', logger })
    const ends = await kafka.groupProgress('nobody', p.config.kafka.topics.events)
    await kafka.close()
    const partition = ends.find((e) => e.highWatermark === 10n)?.partition
    expect(partition).toBeDefined()

    // A processor wrote offsets 0-5 and died before committing them: no committed offset exists.
    // It died even before their minute buckets were written: the view is detached for its insert.
    const store = new RawEventStore(p.client, p.config.clickhouse.database)
    const view = `${p.config.clickhouse.database}.kpi_buckets_mv`
    await p.client.command({ query: `DETACH TABLE ${view}` })
    await store.insert(
      events.slice(0, 6).map((e, offset) => ({
        event_id: e.event_id,
        source: e.source,
        type: e.type,
        occurred_at: e.occurred_at,
        channel: e.channel,
        campaign_id: e.campaign_id,
        action: '',
        cost_micros: 1000n,
        value_micros: 0n,
        currency: 'USD',
        received_at: e.received_at,
        topic: p.config.kafka.topics.events,
        partition: partition as number,
        offset: String(offset),
      })),
      'crashed-owner',
    )
    await p.client.command({ query: `ATTACH TABLE ${view}` })

    // The new owner is delivered offsets 0-9 again; it must summarise 0-5 into buckets,
    // then write only 6-9, without even reaching the event-id dedup (which would count 6 duplicates).
    const registry = createRegistry('processor')
    await p.start(registry, store)
    const rows = await p.counted(10)
    expect(rows.reduce((n, r) => n + r.clicks, 0)).toBe(10)
    expect(await p.rows()).toEqual({ rows: 10, offsets: 10, ids: 10 })
    expect(await duplicatesOf(registry)).toBe(0)
  })
})

describe('processor: scale-out', () => {
  const p = pipeline('scale', 3)
  beforeAll(() => p.open())
  afterAll(() => p.close())

  it('instances joining and leaving mid-stream share the partitions and end with exact sums', async () => {
    const store = new RawEventStore(p.client, p.config.clickhouse.database)
    const expected = new Map<string, bigint>()
    let sent = 0
    const sendChunk = async (n: number) => {
      const events = Array.from({ length: n }, (_, i) => {
        const k = sent + i
        return event(`x${k}`, `c${k % 12}`, { cost_micros: BigInt(1000 + k) })
      })
      for (const e of events)
        expected.set(e.campaign_id, (expected.get(e.campaign_id) ?? 0n) + (e.cost_micros ?? 0n))
      sent += n
      await p.send(events)
    }
    const counted = async () => (await p.counted(sent)).reduce((n, r) => n + r.clicks, 0)

    const registries = [createRegistry('a'), createRegistry('b'), createRegistry('c')]
    /** The partitions an instance reads, from its lag gauge (one series per assigned partition that had a batch). */
    const partitionsOf = async (i: number) =>
      (
        (await registries[i]?.getSingleMetric('adpulse_processor_consumer_lag_messages')?.get())?.values ?? []
      ).map((v) => v.labels.partition)
    const a = await p.start(registries[0] as Registry, store)
    const b = await p.start(registries[1] as Registry, store)
    await sendChunk(200)
    expect(await counted()).toBe(200)
    // A third joins: the group now spreads 3 partitions over 3 instances, one each.
    await p.start(registries[2] as Registry, store)
    await sendChunk(200)
    expect(await counted()).toBe(400)
    const shares = await pollUntil(
      () => Promise.all([0, 1, 2].map(partitionsOf)),
      (all) => all.every((ps) => ps.length === 1),
      { what: 'one partition per instance' },
    )
    expect(new Set(shares.flat()).size).toBe(3)
    // Two leave mid-stream; what they held moves to the one left, from ClickHouse's progress.
    await sendChunk(200)
    await a.stop()
    await sendChunk(200)
    await b.stop()
    await sendChunk(200)
    const rows = await p.counted(sent)
    expect(rows.reduce((n, r) => n + r.clicks, 0)).toBe(1000)
    expect(new Map(rows.map((r) => [r.campaign_id, r.spend_micros]))).toEqual(expected)
    expect(await p.rows()).toEqual({ rows: 1000, offsets: 1000, ids: 1000 })
  })
})
