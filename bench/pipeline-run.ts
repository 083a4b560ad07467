import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { uniqueBodies } from './bench-events.ts'
import { listeningPort, stopChild } from './child-port.ts'
import { type CpuSample, coresBusy, sampleCpu } from './cpu-usage.ts'
import { closedLoop, type Target } from './http-load.ts'
import type { RunResult } from './stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const API_KEY = 'bench-key-0123456789'
const READ_KEY = 'bench-read-key-0123456789'
/** How long the pipeline may take to count what it accepted before the run is given up. */
const COUNT_DEADLINE_MS = 300_000

/** One configuration of the process under test: its producer codec and its ingest worker threads. */
export interface Variant {
  codec: string
  /** ADPULSE_INGEST_WORKERS; undefined: the default (auto). */
  workers: string | undefined
}

export interface LoadShape {
  batch: number
  concurrency: number
  seconds: number
}

export interface PipelineResult {
  load: RunResult
  /** Seconds from the last 202 until GET /v1/kpis counts every accepted event; null past the deadline. */
  countedAfterSeconds: number | null
  /** Where the CPU went: cores busy during the load, and CPU µs per accepted event from its start until every event was counted. */
  cpu: PipelineCpu
}

export interface PipelineCpu {
  /** Average cores busy during the closed loop: the whole machine, the all-in-one process, the load generator, the rest (the broker). */
  loadCores: ReturnType<typeof coresBusy>
  /** CPU µs per accepted event, load and catch-up together, of the same four. */
  microsPerEvent: ReturnType<typeof coresBusy>
}

/** CPU between three samples: the load's start and end, and the moment every event was counted. */
function cpuOf(samples: [CpuSample, CpuSample, CpuSample], loadSeconds: number, events: number): PipelineCpu {
  const [start, loadEnd, counted] = samples
  // coresBusy over "seconds" = events / 1e6 gives CPU µs per event.
  return {
    loadCores: coresBusy(start, loadEnd, loadSeconds),
    microsPerEvent: coresBusy(start, counted, events / 1e6),
  }
}

/** The environment of a process under test: its own topics, groups and data directory. */
function envFor(brokers: string[], id: string, variant: Variant, chdbPath: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_COMPRESSION: variant.codec,
    ...(variant.workers === undefined ? {} : { ADPULSE_INGEST_WORKERS: variant.workers }),
    ADPULSE_HOST: '127.0.0.1',
    ADPULSE_PORT: '0',
    ADPULSE_CHDB_PATH: chdbPath,
    ADPULSE_TOPIC_EVENTS: `${id}.events`,
    ADPULSE_TOPIC_DLQ: `${id}.events.dlq`,
    ADPULSE_TOPIC_SIGNALS: `${id}.signals`,
    ADPULSE_TOPIC_AUDIENCES: `${id}.audiences`,
    ADPULSE_TOPIC_ALERTER_LEASE: `${id}.alerter.lease`,
    ADPULSE_PROCESSOR_GROUP: `${id}-processor`,
    ADPULSE_ALERTER_GROUP: `${id}-alerter`,
    ADPULSE_INGEST_KEYS: `bench:${API_KEY}`,
    ADPULSE_READ_KEYS: `bench-read:${READ_KEY}`,
    // Throughput is measured, not the per-key policy.
    ADPULSE_INGEST_RATE_LIMIT: '0',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
  }
}

const spawnLogged = (args: string[], env: NodeJS.ProcessEnv): ChildProcess =>
  spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] })

/** Events of source `bench` that GET /v1/kpis counts over the last hour. */
async function countedEvents(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/kpis?window=1h&by=source&source=bench`, {
    headers: { authorization: `Bearer ${READ_KEY}` },
  })
  if (!response.ok) throw new Error(`GET /v1/kpis answered ${response.status}: ${await response.text()}`)
  const { rows } = (await response.json()) as { rows: Array<Record<string, number>> }
  return rows.reduce(
    (n, r) => n + (r.impressions ?? 0) + (r.clicks ?? 0) + (r.conversions ?? 0) + (r.engagements ?? 0),
    0,
  )
}

/** Seconds until `count` events are counted, polled every 100 ms; null past the deadline. */
async function secondsUntilCounted(port: number, count: number): Promise<number | null> {
  const started = performance.now()
  while (performance.now() - started < COUNT_DEADLINE_MS) {
    if ((await countedEvents(port)) >= count) return (performance.now() - started) / 1000
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return null
}

const acceptedEvents = (r: RunResult, perBody: number) => (r.requests - r.failures) * perBody

/**
 * One run of the whole pipeline: the all-in-one process as `npm start` runs it
 * (scripts/bootstrap.mjs start), with a fresh chDB directory and fresh topics;
 * a 2 s warm-up counted to the end first (JIT, consumer group joined), then
 * the measured closed loop, then the time until every accepted event is counted.
 */
export async function pipelineRun(
  brokers: string[],
  variant: Variant,
  shape: LoadShape,
  run: number,
): Promise<PipelineResult> {
  const id = `bench_pipeline_${Date.now().toString(36)}_${run}`
  const chdbPath = await mkdtemp(join(tmpdir(), 'adpulse-bench-pipeline-'))
  const child = spawnLogged(['scripts/bootstrap.mjs', 'start'], envFor(brokers, id, variant, chdbPath))
  try {
    const port = await listeningPort(child, 'adpulse listening')
    let request = 0
    const next = uniqueBodies(shape.batch)
    const target: Target = {
      port,
      apiKey: API_KEY,
      bodies: [],
      eventsPerBody: shape.batch,
      bodyAt: () => next(request++),
    }
    const warm = await closedLoop(target, shape.concurrency, 2)
    const warmed = acceptedEvents(warm, shape.batch)
    if ((await secondsUntilCounted(port, warmed)) === null) throw new Error('the warm-up was never counted')
    const pid = child.pid ?? 0
    const atStart = await sampleCpu(pid)
    const startedAt = performance.now()
    const load = await closedLoop(target, shape.concurrency, shape.seconds)
    const loadSeconds = (performance.now() - startedAt) / 1000
    const atLoadEnd = await sampleCpu(pid)
    const accepted = acceptedEvents(load, shape.batch)
    const countedAfterSeconds = await secondsUntilCounted(port, warmed + accepted)
    const cpu = cpuOf([atStart, atLoadEnd, await sampleCpu(pid)], loadSeconds, accepted)
    return { load, countedAfterSeconds, cpu }
  } finally {
    await stopChild(child)
    await rm(chdbPath, { recursive: true, force: true })
  }
}

/** Ingest alone with a no-op producer (bench/ingest-noop-child.ts), configured as the variant: the HTTP ceiling. */
export async function startCeiling(brokers: string[], variant: Variant) {
  const id = `bench_ceiling_${Date.now().toString(36)}`
  const env = envFor(brokers, id, variant, join(tmpdir(), 'adpulse-bench-unused'))
  const child = spawnLogged(['--import', 'tsx', 'bench/ingest-noop-child.ts'], env)
  const port = await listeningPort(child, 'ingest listening')
  return {
    run(shape: LoadShape): Promise<RunResult> {
      let request = 0
      const next = uniqueBodies(shape.batch)
      const target: Target = {
        port,
        apiKey: API_KEY,
        bodies: [],
        eventsPerBody: shape.batch,
        bodyAt: () => next(request++),
      }
      return closedLoop(target, shape.concurrency, shape.seconds)
    },
    stop: () => stopChild(child),
  }
}
