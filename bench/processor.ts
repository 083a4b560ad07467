import { fork } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type AdEvent, createEventCodec } from '@adpulse/events'
import { createKafkaClient, type KafkaClient } from '@adpulse/kafka'
import { ensureLocalKafka, type LocalKafka } from '@adpulse/local-kafka'
import { createLogger } from '@adpulse/observability'
import type { RunReport, RunRequest } from './processor-child.ts'
import { median } from './stats.ts'

/**
 * pnpm bench:processor — events per second through decode, pricing, dedup and
 * the ClickHouse write (embedded chDB), beside a no-op consumer of our Kafka
 * interface reading the same records from the same topic in the same run (the
 * ceiling). The records carry BENCH_CAMPAIGNS distinct campaigns (default
 * 100,000), the memory target's load, with event times over the last hour so
 * that all are active in a 1h window. Each figure is the median of BENCH_RUNS
 * runs (default 3); every run reads the whole topic in a fresh consumer group
 * (and, for the processor, a fresh database, in a child process whose memory is
 * the processor's alone). Prints whether each target is met.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000)
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const PARTITIONS = 3
const CHANNELS = ['search', 'display', 'social', 'affiliate', 'email']
const logger = createLogger('bench-processor', { level: 'warn' })
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)

function makeEvent(i: number, now: number): AdEvent {
  const channel = CHANNELS[i % CHANNELS.length] as string
  const type = i % 50 === 0 ? 'conversion' : i % 10 === 0 ? 'click' : 'impression'
  return {
    event_id: `bench-${i}`,
    type,
    // Spread over the last hour, so every campaign is active in a 1h KPI window.
    occurred_at: now - ((i * 7919) % 3_600_000),
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

/**
 * One processor run in a child process (bench/processor-child.ts): its time and
 * its memory alone. BENCH_CPU_PROF=dir writes the child's V8 CPU profile there.
 */
function processorRun(request: RunRequest): Promise<RunReport> {
  const profile = process.env.BENCH_CPU_PROF
  const child = fork(fileURLToPath(new URL('./processor-child.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('message', (report) => resolve(report as RunReport))
    child.once('exit', (code) => reject(new Error(`processor run ${request.run} exited with ${code}`)))
    child.send(request)
  })
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
    const reports: RunReport[] = []
    for (let run = 1; run <= RUNS; run++) {
      ceilings.push(EVENTS / (await ceilingRun(kafka, topic, run)))
      const report = await processorRun({
        brokers,
        topic,
        events: EVENTS,
        campaigns: CAMPAIGNS,
        chdbPath,
        run,
      })
      reports.push(report)
      const { rows, campaigns, spanMs } = report.written
      if (rows !== EVENTS || campaigns !== CAMPAIGNS || spanMs > 3_600_000) {
        throw new Error(`run ${run} wrote ${rows} rows, ${campaigns} campaigns over ${spanMs} ms`)
      }
      console.error(
        `run ${run}: ceiling ${Math.round(ceilings[run - 1] ?? 0)} ev/s, processor ${Math.round(EVENTS / report.seconds)} ev/s, ` +
          `peak RSS ${mb(report.peak.rss)} MB`,
      )
    }
    const ceiling = median(ceilings)
    const processor = median(reports.map((r) => EVENTS / r.seconds))
    const ratio = median(reports.map((r, i) => EVENTS / r.seconds / (ceilings[i] ?? 1)))
    const at = (pick: (r: RunReport) => number) => mb(median(reports.map(pick)))
    const peakRss = median(reports.map((r) => r.peak.rss))
    const met = (ok: boolean) => (ok ? 'met' : '**missed**')
    console.log(`\nprocessor benchmark: ${EVENTS} events, ${CAMPAIGNS} campaigns, medians of ${RUNS} runs\n`)
    console.log('| reader | events/s | runs |')
    console.log('| --- | ---: | --- |')
    console.log(
      `| no-op consumer (ceiling) | ${Math.round(ceiling)} | ${ceilings.map(Math.round).join(' / ')} |`,
    )
    console.log(
      `| processor (decode, price, dedup, write) | ${Math.round(processor)} | ${reports.map((r) => Math.round(EVENTS / r.seconds)).join(' / ')} |`,
    )
    console.log(
      '\n| processor process memory (medians) | idle (chDB loaded, migrated) | peak during the run |',
    )
    console.log('| --- | ---: | ---: |')
    console.log(`| RSS | ${at((r) => r.idle.rss)} MB | ${at((r) => r.peak.rss)} MB |`)
    console.log(
      `| JS heap used / total | ${at((r) => r.idle.heapUsed)} / ${at((r) => r.idle.heapTotal)} MB | ${at((r) => r.peak.heapUsed)} / ${at((r) => r.peak.heapTotal)} MB |`,
    )
    console.log(
      `| external (Buffers) | ${at((r) => r.idle.external)} MB | ${at((r) => r.peak.external)} MB |`,
    )
    console.log(
      `| chDB MemoryTracking | ${at((r) => r.idle.chdbTracked)} MB | ${at((r) => r.peak.chdbTracked)} MB |`,
    )
    console.log(`| kernel maxRSS (startup included) | | ${at((r) => r.maxRss)} MB |`)
    console.log('\n| target | figure | |')
    console.log('| --- | --- | --- |')
    console.log(
      `| ≥ 0.7 × the no-op consumer | ${ratio.toFixed(2)} × (median of the runs' ratios) | ${met(ratio >= 0.7)} |`,
    )
    console.log(
      `| peak memory < 300 MB with ${CAMPAIGNS} campaigns active | RSS ${mb(peakRss)} MB | ${met(peakRss < 300 * 1024 * 1024)} |`,
    )
  } finally {
    await kafka.close()
    await rm(chdbPath, { recursive: true, force: true })
    await local?.stop()
  }
}

await main()
