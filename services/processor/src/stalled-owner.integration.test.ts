import {
  type ClickHouseClient,
  createClickHouse,
  KpiStore,
  migrate,
  RawEventStore,
} from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'
import { type AdEvent, createEventCodec } from '@adpulse/events'
import { createKafkaClient, type KafkaClient, type Producer } from '@adpulse/kafka'
import { createLogger, createRegistry } from '@adpulse/observability'
import { builtInCatalog } from '@adpulse/schema-registry'
import { pollUntil, testClickHouse, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type RunningProcessor, startProcessor } from './processor.ts'

/**
 * docs/exactly-once.md, "One writer per partition": a processor whose insert
 * stalls past the session timeout loses its partition to another; the new
 * owner writes it; then the stalled insert goes on. Each event must count once.
 * The real broker and ClickHouse; only the stalled owner's store is wrapped
 * (its inserts wait on a gate the test opens), as a slow network or server would.
 */
const logger = createLogger('stalled-owner-it', { level: 'silent' })
const catalog = builtInCatalog()
const codec = createEventCodec(catalog.events)
const NO_PRICING = { channels: new Map(), campaigns: new Map() }
const SESSION_TIMEOUT_MS = 6000

const event = (i: number): AdEvent => ({
  event_id: `stall-${i}`,
  type: 'click',
  occurred_at: Date.now() - 60_000,
  channel: 'search',
  campaign_id: 'c1',
  ad_id: null,
  click_id: null,
  cost_micros: BigInt(1000 + i),
  value_micros: null,
  action: null,
  currency: 'USD',
  user_id: null,
  source: 'it',
  received_at: Date.now(),
})

/** The real store, whose slices' inserts wait until `open()`; counts how many ended, and how. */
function gatedStore(real: RawEventStore) {
  let open: () => void = () => undefined
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  const calls = { started: 0, landed: 0, refused: [] as string[] }
  const store: typeof real = Object.create(real)
  store.insertPrepared = async (...args: Parameters<RawEventStore['insertPrepared']>) => {
    calls.started++
    await gate
    try {
      await real.insertPrepared(...args)
      calls.landed++
    } catch (err) {
      calls.refused.push((err as { code?: string }).code ?? 'UNKNOWN')
      throw err
    }
  }
  return { store, calls, open }
}

describe('processor: a stalled former owner', () => {
  const id = uniqueName('stall')
  const config = loadConfig(
    testEnvironment(id, {
      ADPULSE_EVENTS_PARTITIONS: '1',
      ADPULSE_PROCESSOR_SESSION_TIMEOUT: `${SESSION_TIMEOUT_MS / 1000}s`,
    }),
  )
  const processors: RunningProcessor[] = []
  let kafka: KafkaClient
  let producer: Producer
  let client: ClickHouseClient

  beforeAll(async () => {
    kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: id, logger })
    await kafka.ensureTopics(
      [config.kafka.topics.events, config.kafka.topics.dlq].map((topic) => ({
        topic,
        partitions: 1,
        replicationFactor: 1,
      })),
    )
    producer = await kafka.createProducer()
    client = await createClickHouse(testClickHouse())
    await migrate(client, config.clickhouse.database)
  })
  afterAll(async () => {
    await Promise.allSettled(processors.map((p) => p.stop()))
    await producer?.disconnect()
    await kafka?.close()
    await client?.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` })
    await client?.close()
  })

  const start = async (store: RawEventStore, name: string) => {
    const running = await startProcessor({
      config,
      schemas: catalog,
      kafka,
      producer,
      store,
      pricing: NO_PRICING,
      logger,
      registry: createRegistry(name),
      retry: { attemptTimeoutMs: 2000, initialDelayMs: 10, maxDelayMs: 200 },
    })
    processors.push(running)
    return running
  }

  it('counts each event once when the stalled insert lands after the new owner wrote the partition', async () => {
    const real = new RawEventStore(client, config.clickhouse.database)
    const kpis = new KpiStore(client, config.clickhouse.database)
    const events = Array.from({ length: 50 }, (_, i) => event(i))
    const send = (some: AdEvent[]) =>
      producer.send(
        config.kafka.topics.events,
        some.map((e) => ({ key: e.campaign_id, value: codec.encode(e) })),
      )
    await send(events.slice(0, 30))
    const clicks = async () =>
      (await kpis.sums({ from: 0, to: Date.now() + 3_600_000 }, 'campaign')).reduce((n, r) => n + r.clicks, 0)

    // A takes the partition and stalls in its insert: no heartbeat while the batch is in hand.
    const stalled = gatedStore(real)
    await start(stalled.store, 'a')
    await pollUntil(
      async () => stalled.calls.started,
      (n) => n >= 1,
      { what: "the stalled owner's insert" },
    )
    // More arrive: B's batch (0-49) is cut elsewhere than A's (0-29), so their insert tokens differ.
    await send(events.slice(30))
    // B joins; once A's session expired the group gives B the partition, and B writes all of it.
    await start(real, 'b')
    expect(await pollUntil(clicks, (n) => n >= 50, { what: 'the new owner writing the partition' })).toBe(50)

    // A's insert (and the retries it started meanwhile) goes on now, past B's resume point.
    stalled.open()
    await pollUntil(
      async () => stalled.calls.landed + stalled.calls.refused.length,
      (n) => n >= stalled.calls.started,
      { what: "the stalled owner's inserts ended" },
    )
    // Whatever A does next (it rejoins, may get the partition back and claim it), nothing counts twice.
    await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_MS))
    expect(await clicks()).toBe(50)
    const sums = await kpis.sums({ from: 0, to: Date.now() + 3_600_000 }, 'campaign')
    expect(sums).toEqual([
      expect.objectContaining({
        campaign_id: 'c1',
        clicks: 50,
        spend_micros: events.reduce((n, e) => n + (e.cost_micros ?? 0n), 0n),
      }),
    ])
    const result = await client.query({
      query: `SELECT count() AS rows, uniqExact(offset) AS offsets FROM ${config.clickhouse.database}.events_raw`,
      format: 'JSONEachRow',
    })
    const [row] = await result.json<Record<string, unknown>>()
    expect({ rows: Number(row?.rows), offsets: Number(row?.offsets) }).toEqual({ rows: 50, offsets: 50 })
    // The stalled owner was turned away by ClickHouse, not by luck.
    expect(stalled.calls.landed).toBe(0)
    expect(stalled.calls.refused).toContain('PARTITION_FENCED')
  }, 180_000)
})
