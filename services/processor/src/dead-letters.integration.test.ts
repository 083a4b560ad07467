import {
  type ClickHouseClient,
  createClickHouse,
  KpiStore,
  migrate,
  RawEventStore,
} from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'
import { type AdEvent, createEventCodec } from '@adpulse/events'
import { createKafkaClient, type KafkaClient, type OutgoingMessage, type Producer } from '@adpulse/kafka'
import { createLogger, createRegistry } from '@adpulse/observability'
import { builtInCatalog } from '@adpulse/schema-registry'
import { anEvent, pollUntil, testClickHouse, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type RunningProcessor, SLICE_RECORDS, startProcessor } from './processor.ts'

/**
 * Dead letters are never lost (docs/exactly-once.md, Where it stops), on the
 * run's real broker and ClickHouse: a processor is stopped while Kafka has not
 * acknowledged a dead-letter send, a new one takes the partition over and
 * resumes from what the first wrote; afterwards every record that cannot be
 * counted is on the dead-letter topic (read back with a consumer) and the sums
 * are exact. The stalling producer wraps the real one.
 */
const logger = createLogger('dead-letters-it', { level: 'silent' })
const catalog = builtInCatalog()
const codec = createEventCodec(catalog.events)
const DAY = 86_400_000
const EVENTS = SLICE_RECORDS + 2000
/** Records that cannot be counted, by their position on the one partition: in both slices of a full batch. */
const POISON = [3, 4000, SLICE_RECORDS - 1, SLICE_RECORDS + 1, SLICE_RECORDS + 1000, EVENTS - 1]
/** The dead-letter send holding this offset does not answer until the processor is stopped. */
const STALLED = String(SLICE_RECORDS + 1)

function event(i: number, now: number): AdEvent {
  return anEvent({ event_id: `d${i}`, cost_micros: BigInt(1000 + i), source: 'dlq-it' }, now)
}

/**
 * A record the processor refuses: not Avro, older than the allowed lateness, or
 * beyond the clock skew, in turn along POISON (whatever SLICE_RECORDS is, all three occur).
 */
function poison(i: number, now: number): Buffer {
  const kind = POISON.indexOf(i) % 3
  if (kind === 0) return Buffer.from(`not avro ${i}`)
  return codec.encode({ ...event(i, now), occurred_at: now + (kind === 1 ? -30 * DAY : DAY) })
}

/** The real producer, except one dead-letter send that hangs until `fail()`, then rejects (never acknowledged). */
function stallingProducer(real: Producer, dlq: string) {
  let fail: () => void = () => undefined
  const failed = new Promise<never>((_, reject) => {
    fail = () => reject(new Error('injected: the dead-letter send was never acknowledged'))
  })
  const holds = (m: OutgoingMessage) => JSON.parse(m.value.toString()).offset === STALLED
  const stall = { stalled: false, fail: () => fail() }
  const producer: Producer = {
    ...real,
    send(topic, messages) {
      if (topic !== dlq || stall.stalled || !messages.some(holds)) return real.send(topic, messages)
      stall.stalled = true
      return failed
    },
  }
  return { producer, stall }
}

describe('processor: dead letters across a stop between a dead-letter send and its acknowledgement', () => {
  const id = uniqueName('dlqstop')
  const config = loadConfig(testEnvironment(id, { ADPULSE_EVENTS_PARTITIONS: '1' }))
  const { events: topic, dlq } = config.kafka.topics
  let kafka: KafkaClient
  let producer: Producer
  let client: ClickHouseClient
  const processors: RunningProcessor[] = []

  beforeAll(async () => {
    kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: id, logger })
    await kafka.ensureTopics([topic, dlq].map((t) => ({ topic: t, partitions: 1, replicationFactor: 1 })))
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

  const start = async (withProducer: Producer) => {
    const running = await startProcessor({
      config,
      schemas: catalog,
      kafka,
      producer: withProducer,
      store: new RawEventStore(client, config.clickhouse.database),
      pricing: { channels: new Map(), campaigns: new Map() },
      logger,
      registry: createRegistry('processor'),
      retry: { attemptTimeoutMs: 5000, initialDelayMs: 10, maxDelayMs: 50 },
    })
    processors.push(running)
    return running
  }

  /** Every record of the dead-letter topic, read from the beginning by a group of its own. */
  async function readDeadLetters(): Promise<Array<{ offset: string; reason: string; id: string }>> {
    const [end] = await kafka.groupProgress(`${id}-nobody`, dlq)
    const letters: Array<{ offset: string; reason: string; id: string }> = []
    const reader = await kafka.consume({
      groupId: `${id}-reader`,
      topics: [dlq],
      fromBeginning: true,
      onBatch: async (batch) => {
        for (const m of batch.messages) {
          const record = JSON.parse(String(m.value))
          letters.push({
            offset: record.offset,
            reason: record.reason,
            id: m.headers['dead-letter-id'] ?? '',
          })
        }
      },
    })
    try {
      await pollUntil(
        async () => letters.length,
        (n) => BigInt(n) >= (end?.highWatermark ?? 0n),
        { what: `the ${end?.highWatermark} dead letters read back` },
      )
    } finally {
      await reader.stop()
    }
    return letters
  }

  it('sends every dead letter though the first owner stopped before Kafka acknowledged one', async () => {
    const now = Date.now()
    const records = Array.from({ length: EVENTS }, (_, i) => ({
      key: 'c1',
      value: POISON.includes(i) ? poison(i, now) : codec.encode(event(i, now)),
    }))
    // One partition, in order: record i is offset i. One send, so the first fetch is a full batch.
    await producer.send(topic, records)

    const { producer: stalling, stall } = stallingProducer(producer, dlq)
    const first = await start(stalling)
    await pollUntil(
      async () => stall.stalled,
      (stalled) => stalled,
      { what: `the dead-letter send of offset ${STALLED}` },
    )
    // Whatever is in flight lands; then the process stops with that send unanswered.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const stopping = first.stop()
    stall.fail()
    await stopping
    // What it wrote stops short of the dead letter Kafka never acknowledged (the first slice, at most).
    const store = new RawEventStore(client, config.clickhouse.database)
    expect(await store.newestOffset(topic, 0)).toBeLessThan(BigInt(STALLED))

    // A new owner of the partition resumes from what the first wrote.
    await start(producer)
    await pollUntil(
      () => kafka.groupProgress(config.processor.groupId, topic),
      (ends) => ends.every((e) => e.committedOffset === BigInt(EVENTS)),
      { what: 'every record handled and committed', timeoutMs: 120_000 },
    )

    const letters = await readDeadLetters()
    // At least once: a dead letter sent before the stop may come again, under the same id.
    expect([...new Set(letters.map((l) => l.offset))].sort()).toEqual(POISON.map(String).sort())
    for (const l of letters) expect(l.id).toBe(`${topic}/0/${l.offset}`)
    expect(new Set(letters.map((l) => l.reason))).toEqual(
      new Set(['poison_record', 'too_late', 'too_far_in_future']),
    )

    const counted = EVENTS - POISON.length
    const spend = Array.from({ length: EVENTS }, (_, i) => i)
      .filter((i) => !POISON.includes(i))
      .reduce((sum, i) => sum + BigInt(1000 + i), 0n)
    const kpis = new KpiStore(client, config.clickhouse.database)
    const sums = await kpis.sums({ from: 0, to: Date.now() + 3_600_000 }, 'campaign')
    expect(sums).toEqual([
      expect.objectContaining({ campaign_id: 'c1', clicks: counted, spend_micros: spend }),
    ])
    const result = await client.query({
      query: `SELECT count() AS rows, uniqExact(offset) AS offsets, uniqExact(event_id) AS ids
        FROM ${config.clickhouse.database}.events_raw`,
      format: 'JSONEachRow',
    })
    const [shape] = await result.json<Record<string, unknown>>()
    expect({ rows: Number(shape?.rows), offsets: Number(shape?.offsets), ids: Number(shape?.ids) }).toEqual({
      rows: counted,
      offsets: counted,
      ids: counted,
    })
  })
})
