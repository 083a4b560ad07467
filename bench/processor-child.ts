import { writeHeapSnapshot } from 'node:v8'
import { type ClickHouseClient, RawEventStore } from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'
import { createKafkaClient } from '@adpulse/kafka'
import { createLogger, createRegistry } from '@adpulse/observability'
import { parsePricingTable } from '@adpulse/pricing'
import { startProcessor } from '@adpulse/processor'
import { builtInCatalog } from '@adpulse/schema-registry'
import { startAllocationProfile } from './allocation-profile.ts'
import { openMigratedChdb } from './embedded-chdb.ts'
import type { BenchSetting } from './processor-settings.ts'
import { noTimes, observeGc, readInserts, type StageTimes, timedBatches } from './processor-stages.ts'
import { cpuBetween, threadTicks } from './thread-cpu.ts'

/**
 * One processor run of `pnpm bench:processor`, in a process of its own so that
 * its memory is the processor's alone (chDB engine, JS heap, kafkajs buffers),
 * not the benchmark's producers and ceiling consumers. Started by
 * bench/processor.ts with a RunRequest on IPC; answers one RunReport.
 */
export interface RunRequest {
  brokers: string[]
  topic: string
  events: number
  campaigns: number
  chdbPath: string
  run: number
  /** `client`: @clickhouse/client's insert (the store sees a wrapped client), to measure chDB's own insert path against. */
  insertPath: 'default' | 'client'
  /** false: kpi_buckets_mv dropped after migrating, to measure what the bucket view costs. */
  view: boolean
  /** Fetch and slice sizes (processor-settings.ts); the processor's defaults when omitted. */
  setting: BenchSetting
}

export interface MemorySample {
  rss: number
  heapUsed: number
  heapTotal: number
  /** Buffers and other memory V8 tracks outside its heap (kafkajs fetch buffers). */
  external: number
  /** heapUsed + external (external includes arrayBuffers): the processor's own JS memory, chDB aside. */
  jsAndBuffers: number
  /** ClickHouse's own MemoryTracking: what the chDB engine holds for queries, caches and merges. */
  chdbTracked: number
}

export interface RunReport {
  seconds: number
  /** After loading chDB and migrating, before the processor starts: the idle engine plus Node. */
  idle: MemorySample
  /** The maximum of each figure over the run (sampled every 50 ms; chdbTracked every 500 ms). */
  peak: MemorySample
  /** process.resourceUsage().maxRSS: the kernel's peak, startup included. */
  maxRss: number
  /** Where the run's time went (processor-stages.ts). */
  stages: StageTimes
  /** What events_raw holds at the end: the benchmark checks it against what it produced. */
  written: { rows: number; campaigns: number; spanMs: number }
}

const logger = createLogger('bench-processor-child', { level: 'warn' })

/** The same client as another object: RawEventStore finds no chDB file insert for it (chdb-file-insert.ts). */
const wrapped = (client: ClickHouseClient): ClickHouseClient =>
  new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })

async function run(request: RunRequest): Promise<RunReport> {
  const database = `bench_${Date.now()}_${request.run}`
  const client = await openMigratedChdb(request.chdbPath, database)
  if (!request.view) await client.command({ query: `DROP TABLE ${database}.kpi_buckets_mv` })
  const chdbTracked = async () => {
    const result = await client.query({
      query: "SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'",
      format: 'JSONEachRow',
    })
    return Number((await result.json<{ value: number | string }>())[0]?.value ?? 0)
  }
  const sample = async (): Promise<MemorySample> => {
    const m = process.memoryUsage()
    return {
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      jsAndBuffers: m.heapUsed + m.external,
      chdbTracked: await chdbTracked(),
    }
  }
  const idle = await sample()
  const peak = { ...idle }
  const stages = noTimes()
  const kafka = timedBatches(
    createKafkaClient({ brokers: request.brokers, clientId: `bench-processor-${request.run}`, logger }),
    stages,
  )
  const groupId = `bench-processor-${Date.now()}-${request.run}`
  const config = loadConfig({
    ADPULSE_TOPIC_EVENTS: request.topic,
    ADPULSE_PROCESSOR_GROUP: groupId,
    CLICKHOUSE_DATABASE: database,
  })
  const pricing = parsePricingTable({ channels: { search: { model: 'CPC', rate_micros: 1_000_000 } } })
  if (!pricing.ok) throw new Error(pricing.errors.join('\n'))
  const producer = await kafka.createProducer()
  // BENCH_HEAP_SNAPSHOT=MB: one heap snapshot (live objects only) once the heap passes it, to see what holds it.
  let snapshotAt = Number(process.env.BENCH_HEAP_SNAPSHOT ?? 0) * 1024 * 1024
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    peak.rss = Math.max(peak.rss, m.rss)
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed)
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal)
    peak.external = Math.max(peak.external, m.external)
    peak.jsAndBuffers = Math.max(peak.jsAndBuffers, m.heapUsed + m.external)
    if (snapshotAt && m.heapUsed > snapshotAt) {
      snapshotAt = 0
      console.error(`heap snapshot: ${writeHeapSnapshot()}`)
    }
  }, 50)
  const engineSampler = setInterval(() => {
    chdbTracked().then(
      (bytes) => {
        peak.chdbTracked = Math.max(peak.chdbTracked, bytes)
      },
      () => undefined,
    )
  }, 500)
  const registry = createRegistry('bench')
  const stopGc = observeGc(stages)
  const ticksAtStart = threadTicks()
  const allocDir = process.env.BENCH_ALLOC_PROF
  const stopAllocationProfile = allocDir ? await startAllocationProfile(allocDir, request.run) : undefined
  const started = performance.now()
  const processor = await startProcessor({
    config,
    schemas: builtInCatalog(),
    kafka,
    producer,
    store: new RawEventStore(request.insertPath === 'client' ? wrapped(client) : client, database),
    pricing: pricing.table,
    logger,
    registry,
    ...(request.setting.batching ? { batching: request.setting.batching } : {}),
  })
  for (;;) {
    const progress = await kafka.groupProgress(groupId, request.topic)
    const committed = progress.reduce(
      (n, p) => n + Number(p.committedOffset < 0n ? 0n : p.committedOffset),
      0,
    )
    if (committed >= request.events) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const seconds = (performance.now() - started) / 1000
  if (stopAllocationProfile) console.error(`allocation profile: ${await stopAllocationProfile()}`)
  stages.cpuMs = cpuBetween(ticksAtStart, threadTicks())
  clearInterval(sampler)
  clearInterval(engineSampler)
  stopGc()
  await readInserts(registry, stages)
  await processor.stop()
  await producer.disconnect()
  await kafka.close()
  const result = await client.query({
    query: `SELECT count() AS rows, uniqExact(campaign_id) AS campaigns,
        toUnixTimestamp64Milli(max(occurred_at)) - toUnixTimestamp64Milli(min(occurred_at)) AS span
      FROM ${database}.events_raw`,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<Record<string, unknown>>()
  await client.command({ query: `DROP DATABASE ${database}` })
  await client.close()
  return {
    seconds,
    idle,
    peak,
    maxRss: process.resourceUsage().maxRSS * 1024,
    stages,
    written: { rows: Number(row?.rows), campaigns: Number(row?.campaigns), spanMs: Number(row?.span) },
  }
}

process.once('message', (request: RunRequest) => {
  run(request).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (err: unknown) => {
      console.error(err)
      process.exit(1)
    },
  )
})
