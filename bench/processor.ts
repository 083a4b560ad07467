import { fork } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createKafkaClient, type KafkaClient } from '@adpulse/kafka'
import { ensureLocalKafka, type LocalKafka } from '@adpulse/local-kafka'
import { createLogger } from '@adpulse/observability'
import type { RunReport, RunRequest } from './processor-child.ts'
import { produceAll } from './processor-events.ts'
import { peerRun } from './processor-peer.ts'
import type { PeerReport } from './processor-peer-child.ts'
import { printReport, printSettings } from './processor-report.ts'
import { parseSettings } from './processor-settings.ts'

/**
 * pnpm bench:processor — events per second through decode, pricing, dedup and
 * the ClickHouse write (embedded chDB), beside a no-op consumer of our Kafka
 * interface reading the same records from the same topic in the same run (the
 * ceiling). The records carry BENCH_CAMPAIGNS distinct campaigns (default
 * 100,000), the memory target's load, with event times over the last hour so
 * that all are active in a 1h window. Each figure is the median of BENCH_RUNS
 * runs (default 3); every run reads the whole topic in a fresh consumer group
 * (and, for the processor, a fresh database, in a child process whose memory is
 * the processor's alone). Prints whether each target is met. BENCH_SETTINGS
 * (processor-settings.ts) measures several fetch and slice sizes in every run,
 * one processor child each, between the run's ceiling and its peer.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000)
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const PARTITIONS = 3
const SETTINGS = parseSettings(process.env.BENCH_SETTINGS)
const logger = createLogger('bench-processor', { level: 'warn' })
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)

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
 * its memory alone. BENCH_CPU_PROF=dir writes the child's V8 CPU profile there;
 * BENCH_NODE_ARGS adds Node flags to the child.
 */
function processorRun(request: RunRequest): Promise<RunReport> {
  const profile = process.env.BENCH_CPU_PROF
  const child = fork(fileURLToPath(new URL('./processor-child.ts', import.meta.url)), {
    execArgv: [
      '--import',
      'tsx',
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      // BENCH_NODE_ARGS: V8 flags of the child only (e.g. --max-old-space-size=128).
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
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
  const twin = `${topic}.json`
  const chdbPath = await mkdtemp(join(tmpdir(), 'adpulse-bench-'))
  const peerPath = await mkdtemp(join(tmpdir(), 'adpulse-bench-peer-'))
  try {
    await kafka.ensureTopics(
      [topic, twin].map((t) => ({ topic: t, partitions: PARTITIONS, replicationFactor: 1 })),
    )
    console.error(
      `producing ${EVENTS} events over ${CAMPAIGNS} campaigns to ${topic} (Avro) and ${twin} (JSONEachRow), ${PARTITIONS} partitions…`,
    )
    await produceAll(kafka, { avro: topic, json: twin }, EVENTS, CAMPAIGNS)
    const ceilings: number[] = []
    const reports: RunReport[][] = SETTINGS.map(() => [])
    const peers: PeerReport[] = []
    for (let run = 1; run <= RUNS; run++) {
      ceilings.push(EVENTS / (await ceilingRun(kafka, topic, run)))
      for (const [i, setting] of SETTINGS.entries()) {
        const report = await processorRun({
          brokers,
          topic,
          events: EVENTS,
          campaigns: CAMPAIGNS,
          chdbPath,
          run,
          insertPath: process.env.BENCH_INSERT === 'client' ? 'client' : 'default',
          view: process.env.BENCH_VIEW !== 'off',
          setting,
        })
        reports[i]?.push(report)
        const { rows, campaigns, spanMs } = report.written
        if (rows !== EVENTS || campaigns !== CAMPAIGNS || spanMs > 3_600_000) {
          throw new Error(
            `run ${run} (${setting.name}) wrote ${rows} rows, ${campaigns} campaigns over ${spanMs} ms`,
          )
        }
        console.error(
          `run ${run} ${setting.name}: processor ${Math.round(EVENTS / report.seconds)} ev/s, ` +
            `${report.stages.inserts} inserts, peak heap+buffers ${mb(report.peak.jsAndBuffers)} MB`,
        )
      }
      const peer =
        process.env.BENCH_PEER === 'off'
          ? { seconds: Number.NaN, bucketed: EVENTS }
          : await peerRun({ brokers, topic: twin, events: EVENTS, chdbPath: peerPath, run }, PARTITIONS)
      if (peer.bucketed !== EVENTS) throw new Error(`peer run ${run} bucketed ${peer.bucketed} events`)
      peers.push(peer)
      console.error(
        `run ${run}: ceiling ${Math.round(ceilings[run - 1] ?? 0)} ev/s, peer ${Math.round(EVENTS / peer.seconds)} ev/s`,
      )
    }
    for (const [i, setting] of SETTINGS.entries()) {
      if (SETTINGS.length > 1) console.log(`\n## setting ${setting.name}`)
      printReport({ events: EVENTS, campaigns: CAMPAIGNS, ceilings, reports: reports[i] ?? [], peers })
    }
    if (SETTINGS.length > 1) {
      printSettings(
        { events: EVENTS, ceilings, peers },
        SETTINGS.map((s, i) => ({ name: s.name, reports: reports[i] ?? [] })),
      )
    }
  } finally {
    await kafka.close()
    await rm(chdbPath, { recursive: true, force: true })
    await rm(peerPath, { recursive: true, force: true })
    await local?.stop()
  }
}

await main()
