import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClickHouse, migrate, RawEventStore } from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'
import { type AdEvent, createEventCodec } from '@adpulse/events'
import { createKafkaClient, type KafkaClient } from '@adpulse/kafka'
import { ensureLocalKafka, type LocalKafka } from '@adpulse/local-kafka'
import { createLogger, createRegistry } from '@adpulse/observability'
import { parsePricingTable } from '@adpulse/pricing'
import { startProcessor } from '@adpulse/processor'
import { builtInCatalog } from '@adpulse/schema-registry'
import { median } from './stats.ts'

/**
 * pnpm bench:processor — events per second through decode, pricing, dedup and
 * the ClickHouse write (embedded chDB), beside a no-op consumer of our Kafka
 * interface reading the same records from the same topic in the same run (the
 * ceiling). The records carry BENCH_CAMPAIGNS distinct campaigns (default
 * 100,000), the memory target's load. Each figure is the median of BENCH_RUNS
 * runs (default 3); every run reads the whole topic in a fresh consumer group
 * (and, for the processor, a fresh database).
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000)
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const PARTITIONS = 3
const CHANNELS = ['search', 'display', 'social', 'affiliate', 'email']
const logger = createLogger('bench-processor', { level: 'warn' })

function makeEvent(i: number, now: number): AdEvent {
  const channel = CHANNELS[i % CHANNELS.length] as string
  const type = i % 50 === 0 ? 'conversion' : i % 10 === 0 ? 'click' : 'impression'
  return {
    event_id: `bench-${i}`,
    type,
    occurred_at: now - (i % 3_600_000),
    channel,
    campaign_id: `campaign-${i % CAMPAIGNS}`,
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

async function produceAll(kafka: KafkaClient, topic: string): Promise<void> {
  const codec = createEventCodec()
  const producer = await kafka.createProducer()
  const now = Date.now()
  for (let start = 0; start < EVENTS; start += 5_000) {
    const messages = []
    for (let i = start; i < Math.min(EVENTS, start + 5_000); i++) {
      const event = makeEvent(i, now)
      messages.push({ key: event.campaign_id, value: codec.encode(event) })
    }
    await producer.send(topic, messages)
  }
  await producer.disconnect()
}

/** Resolves when `count()` reaches EVENTS; returns the seconds it took from `started`. */
async function until(count: () => Promise<number> | number, started: number): Promise<number> {
  for (;;) {
    if ((await count()) >= EVENTS) return (performance.now() - started) / 1000
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function ceilingRun(kafka: KafkaClient, topic: string, run: number): Promise<number> {
  let seen = 0
  const started = performance.now()
  const consumer = await kafka.consume({
    groupId: `bench-noop-${Date.now()}-${run}`,
    topics: [topic],
    fromBeginning: true,
    onBatch: async (batch) => {
      seen += batch.messages.length
    },
  })
  const seconds = await until(() => seen, started)
  await consumer.stop()
  return seconds
}

async function processorRun(kafka: KafkaClient, topic: string, run: number, chdbPath: string) {
  const database = `bench_${Date.now()}_${run}`
  const client = await createClickHouse({ url: undefined, user: 'default', password: '', chdbPath })
  await migrate(client, database)
  const groupId = `bench-processor-${Date.now()}-${run}`
  const config = loadConfig({
    ADPULSE_TOPIC_EVENTS: topic,
    ADPULSE_PROCESSOR_GROUP: groupId,
    CLICKHOUSE_DATABASE: database,
  })
  const pricing = parsePricingTable({ channels: { search: { model: 'CPC', rate_micros: 1_000_000 } } })
  if (!pricing.ok) throw new Error(pricing.errors.join('\n'))
  const producer = await kafka.createProducer()
  let peakRss = 0
  let peakHeap = 0
  const sampler = setInterval(() => {
    const memory = process.memoryUsage()
    peakRss = Math.max(peakRss, memory.rss)
    peakHeap = Math.max(peakHeap, memory.heapUsed)
  }, 50)
  const started = performance.now()
  const processor = await startProcessor({
    config,
    schemas: builtInCatalog(),
    kafka,
    producer,
    store: new RawEventStore(client, database),
    pricing: pricing.table,
    logger,
    registry: createRegistry('bench'),
  })
  const committed = async () =>
    (await kafka.groupProgress(groupId, topic)).reduce(
      (n, p) => n + Number(p.committedOffset < 0n ? 0n : p.committedOffset),
      0,
    )
  const seconds = await until(committed, started)
  clearInterval(sampler)
  await processor.stop()
  await producer.disconnect()
  await client.command({ query: `DROP DATABASE ${database}` })
  await client.close()
  return { seconds, peakRss, peakHeap }
}

async function main(): Promise<void> {
  // Like bench:ingest: the configured brokers, else the project's local broker.
  const local: LocalKafka | undefined = process.env.KAFKA_BROKERS ? undefined : await ensureLocalKafka()
  const brokers = process.env.KAFKA_BROKERS?.split(',') ?? local?.brokers ?? []
  const kafka = createKafkaClient({ brokers, clientId: 'bench-processor', logger })
  const topic = `bench.processor.${Date.now()}`
  const chdbPath = await mkdtemp(join(tmpdir(), 'adpulse-bench-'))
  try {
    await kafka.ensureTopics([{ topic, partitions: PARTITIONS, replicationFactor: 1 }])
    console.error(
      `producing ${EVENTS} events over ${CAMPAIGNS} campaigns to ${topic} (${PARTITIONS} partitions)…`,
    )
    await produceAll(kafka, topic)
    const ceilings: number[] = []
    const processors: Array<{ seconds: number; peakRss: number; peakHeap: number }> = []
    for (let run = 1; run <= RUNS; run++) {
      ceilings.push(EVENTS / (await ceilingRun(kafka, topic, run)))
      processors.push(await processorRun(kafka, topic, run, chdbPath))
      const last = processors[processors.length - 1]
      console.error(
        `run ${run}: ceiling ${Math.round(ceilings[run - 1] ?? 0)} ev/s, processor ${Math.round(EVENTS / (last?.seconds ?? 1))} ev/s`,
      )
    }
    const ceiling = median(ceilings)
    const processor = median(processors.map((p) => EVENTS / p.seconds))
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)
    console.log(`\nprocessor benchmark: ${EVENTS} events, ${CAMPAIGNS} campaigns, medians of ${RUNS} runs\n`)
    console.log('| reader | events/s |')
    console.log('| --- | ---: |')
    console.log(`| no-op consumer (ceiling) | ${Math.round(ceiling)} |`)
    console.log(`| processor (decode, price, dedup, write) | ${Math.round(processor)} |`)
    console.log(`\nratio processor / ceiling: ${(processor / ceiling).toFixed(2)} (target ≥ 0.7)`)
    console.log(
      `peak memory of this process during the processor runs: RSS ${mb(median(processors.map((p) => p.peakRss)))} MB ` +
        `(includes the chDB engine), JS heap ${mb(median(processors.map((p) => p.peakHeap)))} MB (target < 300 MB)`,
    )
  } finally {
    await kafka.close()
    await rm(chdbPath, { recursive: true, force: true })
    await local?.stop()
  }
}

await main()
