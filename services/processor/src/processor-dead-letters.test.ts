import type { PreparedInsert, RawEventRow } from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'
import { type AdEvent, createEventCodec } from '@adpulse/events'
import type {
  ConsumeOptions,
  IncomingBatch,
  IncomingMessage,
  KafkaClient,
  OutgoingMessage,
  Producer,
} from '@adpulse/kafka'
import { createLogger, createRegistry } from '@adpulse/observability'
import { builtInCatalog } from '@adpulse/schema-registry'
import { anEvent } from '@adpulse/testkit'
import { describe, expect, it } from 'vitest'
import { SLICE_RECORDS, startProcessor } from './processor.ts'

/**
 * Dead letters are never lost (docs/exactly-once.md, Where it stops): the real
 * processor with in-memory fakes of Kafka and ClickHouse. A restarted owner
 * skips every record at or below the newest offset written, so a dead letter
 * must be acknowledged by Kafka before any insert carries an offset past it.
 */
const config = loadConfig({})
const catalog = builtInCatalog()
const codec = createEventCodec(catalog.events)
const TOPIC = config.kafka.topics.events
const PARTITION = 2
const NOW = Date.now()

/** Three slices; poison in the middle of the first, at its end, in the second and last of the batch. */
const RECORDS = 2 * SLICE_RECORDS + 500
const POISON = [5000, SLICE_RECORDS - 1, SLICE_RECORDS + 2000, RECORDS - 1].map(String)

function event(offset: number): AdEvent {
  return anEvent({ event_id: `e${offset}`, source: 'unit' }, NOW)
}

function batchOf(count: number, poison: readonly string[]): IncomingBatch {
  const messages: IncomingMessage[] = Array.from({ length: count }, (_, offset) => ({
    offset: String(offset),
    key: Buffer.from('c1'),
    // Alternately a tombstone and bytes that are not Avro: both poison_record.
    value: poison.includes(String(offset))
      ? offset % 2 === 0
        ? null
        : Buffer.from('not avro')
      : codec.encode(event(offset)),
    headers: {},
    timestamp: NOW,
  }))
  return { topic: TOPIC, partition: PARTITION, highWatermark: String(count), messages }
}

/** The dead-letter topic: what Kafka acknowledged, and sends that fail or never answer while told to. */
function deadLetterTopic() {
  const topic = {
    acked: [] as OutgoingMessage[],
    sends: 0,
    /** A send holding this offset fails (`fail`) or never answers (`hang`), once. */
    fault: undefined as { offset: string; mode: 'fail' | 'hang' } | undefined,
    ackedOffsets: () => new Set(topic.acked.map((m) => JSON.parse(m.value.toString()).offset as string)),
  }
  const producer: Producer = {
    async send(_topic, messages) {
      topic.sends++
      const fault = topic.fault
      if (fault && messages.some((m) => JSON.parse(m.value.toString()).offset === fault.offset)) {
        topic.fault = undefined
        if (fault.mode === 'hang') return new Promise<never>(() => undefined)
        throw new Error('injected: dead-letter send failed')
      }
      topic.acked.push(...messages)
    },
    sendBatch: async () => undefined,
    disconnect: async () => undefined,
  }
  return { topic, producer }
}

/**
 * events_raw in memory. Each insert checks, when it starts, that every dead
 * letter at or below its newest offset is already on the dead-letter topic.
 */
function memoryStore(acked: () => Set<string>) {
  const store = {
    rows: [] as RawEventRow[],
    /** Dead letters an insert carried progress past before Kafka acknowledged them. */
    overtaken: [] as string[],
    async insert(rows: readonly RawEventRow[]) {
      const newest = BigInt(rows[rows.length - 1]?.offset ?? -1)
      const sent = acked()
      for (const p of POISON) if (BigInt(p) <= newest && !sent.has(p)) store.overtaken.push(p)
      store.rows.push(...rows)
    },
    // The processor's slices: prepared (encoded) ahead, checked when their insert starts.
    prepare: (rows: readonly RawEventRow[]) => ({ topic: '', partition: 0, columns: [], rows }),
    insertPrepared: (prepared: PreparedInsert) =>
      store.insert((prepared as PreparedInsert & { rows: readonly RawEventRow[] }).rows),
    release: () => undefined,
    async newestOffset() {
      return store.rows.reduce<bigint | null>(
        (n, r) => (n === null || BigInt(r.offset) > n ? BigInt(r.offset) : n),
        null,
      )
    },
    recentIds: async () => [],
    lastReceipts: async () => [],
    repairBuckets: async () => 0,
    claimPartition: async () => undefined,
    /** Dead letters a restarted owner would skip (at or below the newest written) that Kafka never acknowledged. */
    async lost() {
      const written = await store.newestOffset()
      const sent = acked()
      return POISON.filter((p) => written !== null && BigInt(p) <= written && !sent.has(p))
    },
  }
  return store
}

/**
 * A processor whose consumer is this test: `deliver` hands it a batch as kafkajs
 * would, a new one each time (the handler takes the records off the batch it is handed).
 */
async function owner(store: ReturnType<typeof memoryStore>, producer: Producer) {
  let onBatch: ConsumeOptions['onBatch'] | undefined
  const kafka = {
    consume: async (options: ConsumeOptions) => {
      onBatch = options.onBatch
      return { stop: async () => undefined }
    },
  } as unknown as KafkaClient
  await startProcessor({
    config,
    schemas: catalog,
    kafka,
    producer,
    store,
    pricing: { channels: new Map(), campaigns: new Map() },
    logger: createLogger('dead-letters-unit', { level: 'silent' }),
    registry: createRegistry('processor'),
    retry: { attemptTimeoutMs: 1000, initialDelayMs: 1, maxDelayMs: 4, permanentDelayMs: 5 },
  })
  // As the consumer does: the batch is done once its writes are (BatchInFlight).
  return {
    deliver: async (batch: IncomingBatch) => {
      const inFlight = await (onBatch as ConsumeOptions['onBatch'])(batch)
      await inFlight?.written
    },
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

function expectWrittenOnce(store: ReturnType<typeof memoryStore>) {
  const offsets = store.rows.map((r) => r.offset)
  expect(offsets.length).toBe(RECORDS - POISON.length)
  expect(new Set(offsets).size).toBe(offsets.length)
  expect(offsets.some((o) => POISON.includes(o))).toBe(false)
}

describe('processor: dead letters are on the topic before the progress that skips them', () => {
  it('a failed dead-letter send fails the batch before any insert passes it; the new owner sends it', async () => {
    const { topic, producer } = deadLetterTopic()
    const store = memoryStore(topic.ackedOffsets)
    topic.fault = { offset: String(SLICE_RECORDS + 2000), mode: 'fail' }
    const batch = () => batchOf(RECORDS, POISON)
    await expect((await owner(store, producer)).deliver(batch())).rejects.toThrow(/dead-letter send failed/)
    expect(await store.lost()).toEqual([])
    // The first slice landed with its dead letters; the second waits for its own.
    expect(await store.newestOffset()).toBe(BigInt(SLICE_RECORDS - 2))

    // A new owner (a restart, a rebalance) is delivered the batch again and skips what is written.
    await (await owner(store, producer)).deliver(batch())
    expect(store.overtaken).toEqual([])
    expect([...topic.ackedOffsets()].sort()).toEqual([...POISON].sort())
    expectWrittenOnce(store)
  })

  it('an owner abandoned while a dead-letter send hangs wrote nothing past it; the next one sends it', async () => {
    const { topic, producer } = deadLetterTopic()
    const store = memoryStore(topic.ackedOffsets)
    topic.fault = { offset: String(SLICE_RECORDS + 2000), mode: 'hang' }
    const batch = () => batchOf(RECORDS, POISON)
    void (await owner(store, producer)).deliver(batch())
    while (topic.fault) await settle()
    await settle()
    // The process dies here: whatever it wrote is what the next owner resumes from.
    expect(await store.lost()).toEqual([])

    await (await owner(store, producer)).deliver(batch())
    expect(store.overtaken).toEqual([])
    expect(topic.ackedOffsets()).toEqual(new Set(POISON))
    expectWrittenOnce(store)
  })

  it('dead letters behind no written row are sent before the batch returns, again on a replay, under one id', async () => {
    const { topic, producer } = deadLetterTopic()
    const store = memoryStore(topic.ackedOffsets)
    const onlyPoison = ['0', '1', '2']
    const batch = () => batchOf(3, onlyPoison)
    await (await owner(store, producer)).deliver(batch())
    expect(topic.acked.map((m) => m.headers?.['dead-letter-id'])).toEqual(
      onlyPoison.map((o) => `${TOPIC}/${PARTITION}/${o}`),
    )
    expect(topic.acked.map((m) => m.key)).toEqual(onlyPoison.map(() => `${TOPIC}/${PARTITION}`))
    // Nothing written records progress past them: a new owner reads and sends them again (at least once).
    await (await owner(store, producer)).deliver(batch())
    expect(topic.acked.map((m) => m.headers?.['dead-letter-id'])).toEqual(
      [...onlyPoison, ...onlyPoison].map((o) => `${TOPIC}/${PARTITION}/${o}`),
    )
    expect(store.rows).toEqual([])
  })
})
