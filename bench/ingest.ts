import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type AdEvent, createEventCodec } from '@adpulse/events'
import { createKafkaClient } from '@adpulse/kafka'
import { ensureLocalKafka, type LocalKafka } from '@adpulse/local-kafka'
import { createLogger } from '@adpulse/observability'
import type { Message } from 'kafkajs'
import { makeEvents } from './bench-events.ts'
import { listeningPort, stopChild } from './child-port.ts'
import { closedLoop, openLoop, type Target } from './http-load.ts'
import { openRawProducer } from './raw-producer.ts'
import { medianOf, type RunResult } from './stats.ts'

/**
 * pnpm bench:ingest — ingest's throughput and latency against the local
 * broker, beside a raw kafkajs producer sending the same pre-encoded Avro
 * records in the same run. Ingest runs as its own process (services/ingest
 * main.ts); the load generator and the raw producer run here. Each figure is
 * the median of BENCH_RUNS runs (default 3) of BENCH_SECONDS (default 5).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BATCH_SIZES = (process.env.BENCH_BATCHES ?? '1,100,500,1000').split(',').map(Number)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
/** The latency target's load: 10,000 events/s as 100 requests/s of 100 events. */
const PACED = { batch: 100, requestsPerSecond: 100, seconds: 10 }
const API_KEY = 'bench-key-0123456789'
/** The Avro frames ingest would write for those events (what the raw baseline sends). */
function encode(events: Array<Record<string, unknown>>): Message[] {
  const codec = createEventCodec()
  return events.map((e) => {
    const event: AdEvent = {
      event_id: e.event_id as string,
      type: e.type as AdEvent['type'],
      occurred_at: e.occurred_at as number,
      channel: e.channel as string,
      campaign_id: e.campaign_id as string,
      ad_id: (e.ad_id as string) ?? null,
      click_id: (e.click_id as string | undefined) ?? null,
      cost_micros: null,
      value_micros: e.value_micros === undefined ? null : BigInt(e.value_micros as number),
      action: (e.action as string | undefined) ?? null,
      currency: 'USD',
      user_id: (e.user_id as string) ?? null,
      source: 'bench',
      received_at: Date.now(),
    }
    return { key: event.campaign_id, value: codec.encode(event) }
  })
}

async function startIngest(brokers: string[], id: string): Promise<{ port: number; child: ChildProcess }> {
  const nodeArgs = (process.env.BENCH_INGEST_NODE_ARGS ?? '').split(' ').filter((a) => a !== '')
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'services/ingest/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      KAFKA_BROKERS: brokers.join(','),
      ADPULSE_HOST: '127.0.0.1',
      ADPULSE_PORT: '0',
      ADPULSE_TOPIC_EVENTS: `${id}.events`,
      ADPULSE_TOPIC_DLQ: `${id}.events.dlq`,
      ADPULSE_TOPIC_SIGNALS: `${id}.signals`,
      ADPULSE_INGEST_KEYS: `bench:${API_KEY}`,
      // Throughput is measured, not the per-key policy.
      ADPULSE_INGEST_RATE_LIMIT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await listeningPort(child, 'ingest listening')
  return { port, child }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

async function main() {
  // Unset KAFKA_BROKERS: the project's local broker (reused when running, else started and stopped here).
  const local: LocalKafka | undefined = process.env.KAFKA_BROKERS ? undefined : await ensureLocalKafka()
  const brokers = local?.brokers ?? (process.env.KAFKA_BROKERS ?? '').split(',')
  const id = `bench_${Date.now().toString(36)}`
  const logger = createLogger('bench', { level: 'warn' })
  const admin = createKafkaClient({ brokers, clientId: `${id}-admin`, logger })
  await admin.ensureTopics([{ topic: `${id}.raw`, partitions: 3, replicationFactor: 1 }])
  const ingest = await startIngest(brokers, id)
  const raw = await openRawProducer(brokers, `${id}-raw`)
  console.log(
    `brokers ${brokers.join(',')}; ${RUNS} runs of ${SECONDS}s per figure; ${CONCURRENCY} concurrent connections`,
  )

  const workloads = BATCH_SIZES.map((size) => {
    const events = Array.from({ length: 8 }, (_, seed) => makeEvents(size, seed))
    const target: Target = {
      port: ingest.port,
      apiKey: API_KEY,
      bodies: events.map((e) => Buffer.from(JSON.stringify(e))),
      eventsPerBody: size,
    }
    return { size, target, batches: events.map(encode) }
  })
  const results = new Map<number, { ingest: RunResult[]; raw: RunResult[] }>()
  try {
    // Warm-up: JIT, connections, producer ids; not measured.
    const warm = workloads[1] ?? workloads[0]
    if (warm) {
      await closedLoop(warm.target, CONCURRENCY, 2)
      await raw.closedLoop(`${id}.raw`, warm.batches, CONCURRENCY, 2)
    }
    for (let run = 1; run <= RUNS; run++) {
      for (const w of workloads) {
        const entry = results.get(w.size) ?? { ingest: [], raw: [] }
        entry.ingest.push(await closedLoop(w.target, CONCURRENCY, SECONDS))
        entry.raw.push(await raw.closedLoop(`${id}.raw`, w.batches, CONCURRENCY, SECONDS))
        results.set(w.size, entry)
        console.log(
          `run ${run} batch ${w.size}: ingest ${fmt(entry.ingest.at(-1)?.eventsPerSecond ?? 0)} ev/s, raw ${fmt(entry.raw.at(-1)?.eventsPerSecond ?? 0)} ev/s`,
        )
      }
    }
    const paced: RunResult[] = []
    const pacedTarget = workloads.find((w) => w.size === PACED.batch)?.target
    if (pacedTarget) {
      for (let run = 1; run <= RUNS; run++) {
        paced.push(await openLoop(pacedTarget, PACED.requestsPerSecond, PACED.seconds))
        console.log(`run ${run} paced 10,000 events/s: p99 ${fmt(paced.at(-1)?.p99Ms ?? 0, 1)} ms`)
      }
    }
    report(results, medianOf(paced))
  } finally {
    await raw.disconnect()
    await admin.close()
    await stopChild(ingest.child)
    await local?.stop()
  }
}

function report(results: Map<number, { ingest: RunResult[]; raw: RunResult[] }>, paced: RunResult) {
  const lines = [
    '',
    '| batch | ingest events/s | ingest p50 ms | ingest p99 ms | raw kafkajs events/s | raw p50 ms | raw p99 ms | ingest / raw | failures |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const [size, { ingest, raw }] of results) {
    const i = medianOf(ingest)
    const r = medianOf(raw)
    lines.push(
      `| ${size} | ${fmt(i.eventsPerSecond)} | ${fmt(i.p50Ms, 1)} | ${fmt(i.p99Ms, 1)} | ${fmt(r.eventsPerSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${fmt(i.eventsPerSecond / r.eventsPerSecond, 2)} | ${i.failures + r.failures} |`,
    )
  }
  lines.push(
    '',
    `Paced ${fmt(PACED.requestsPerSecond * PACED.batch)} events/s (${PACED.requestsPerSecond} requests/s of ${PACED.batch}, open loop): ` +
      `p50 ${fmt(paced.p50Ms, 1)} ms, p99 ${fmt(paced.p99Ms, 1)} ms, ${fmt(paced.eventsPerSecond)} events/s acknowledged, ${paced.failures} failures (medians of ${RUNS} runs).`,
  )
  const at500 = results.get(500)
  if (at500) {
    const i = medianOf(at500.ingest).eventsPerSecond
    const r = medianOf(at500.raw).eventsPerSecond
    lines.push(
      '',
      `Targets: >= 50,000 events/s at batch 500: ${fmt(i)} (${i >= 50_000 ? 'met' : 'missed'}); ` +
        `>= 0.6x raw: ${fmt(i / r, 2)}x (${i / r >= 0.6 ? 'met' : 'missed'}); ` +
        `p99 < 50 ms at 10,000 events/s: ${fmt(paced.p99Ms, 1)} ms (${paced.p99Ms < 50 ? 'met' : 'missed'}).`,
    )
  }
  console.log(lines.join('\n'))
}

await main()
