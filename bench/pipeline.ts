import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { ensureLocalKafka, type LocalKafka } from '@adpulse/local-kafka'
import {
  type LoadShape,
  type PipelineResult,
  pipelineRun,
  startCeiling,
  type Variant,
} from './pipeline-run.ts'
import { median, medianOf, type RunResult } from './stats.ts'

/**
 * pnpm bench:pipeline — the whole pipeline under a closed-loop HTTP load: the
 * all-in-one process as `npm start` runs it (embedded chDB, the local broker),
 * accepted events/s, request p50 and p99, and the time from the last 202 until
 * GET /v1/kpis counts every accepted event; beside it, in the same run, the
 * same load against ingest alone with a no-op producer (the HTTP ceiling).
 * Every figure is the median of --runs runs. --codecs and --workers list the
 * variants to measure (KAFKA_COMPRESSION, ADPULSE_INGEST_WORKERS), each against
 * its own ceiling, all in one run of the benchmark.
 */
const USAGE = `pnpm bench:pipeline [-- --runs 3 --seconds 30 --batch 500 --concurrency 8 --codecs gzip --workers auto]
  --codecs   comma list of KAFKA_COMPRESSION values to measure (gzip, none, lz4, zstd)
  --workers  comma list of ADPULSE_INGEST_WORKERS values (auto, 0, 1, ...)
  --no-ceiling  skip the no-op-producer ceiling`

// `pnpm bench:pipeline -- --runs 1` passes the `--` on.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'))
const { values } = parseArgs({
  args,
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '30' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
    codecs: { type: 'string', default: 'gzip' },
    workers: { type: 'string', default: 'auto' },
    'no-ceiling': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const RUNS = Number(values.runs)
const SHAPE: LoadShape = {
  batch: Number(values.batch),
  concurrency: Number(values.concurrency),
  seconds: Number(values.seconds),
}
const VARIANTS: Variant[] = values.codecs
  .split(',')
  .flatMap((codec) =>
    values.workers.split(',').map((w) => ({ codec, workers: w === 'auto' ? undefined : w })),
  )

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const label = (v: Variant) => `${v.codec}, workers ${v.workers ?? 'auto'}`

interface Measured {
  pipeline: PipelineResult[]
  ceiling: RunResult[]
}

async function measure(brokers: string[], variant: Variant): Promise<Measured> {
  const measured: Measured = { pipeline: [], ceiling: [] }
  const ceiling = values['no-ceiling'] ? undefined : await startCeiling(brokers, variant)
  try {
    if (ceiling) await ceiling.run({ ...SHAPE, seconds: 2 })
    for (let run = 1; run <= RUNS; run++) {
      const result = await pipelineRun(brokers, variant, SHAPE, run)
      measured.pipeline.push(result)
      const noop = ceiling ? await ceiling.run(SHAPE) : undefined
      if (noop) measured.ceiling.push(noop)
      console.log(
        `${label(variant)} run ${run}: pipeline ${fmt(result.load.eventsPerSecond)} ev/s (p99 ${fmt(result.load.p99Ms, 1)} ms, ` +
          `${result.load.failures} failures), counted ${result.countedAfterSeconds === null ? 'never' : `${fmt(result.countedAfterSeconds, 1)} s`} after the last 202` +
          (noop ? `; no-op ceiling ${fmt(noop.eventsPerSecond)} ev/s (p99 ${fmt(noop.p99Ms, 1)} ms)` : ''),
      )
    }
  } finally {
    await ceiling?.stop()
  }
  return measured
}

function report(results: Map<Variant, Measured>): void {
  const lines = [
    '',
    `Medians of ${RUNS} runs of ${SHAPE.seconds} s, batches of ${SHAPE.batch}, ${SHAPE.concurrency} requests in flight.`,
    '',
    '| codec, workers | accepted events/s | p50 ms | p99 ms | counted after s | no-op ceiling events/s | ceiling p50 ms | ceiling p99 ms | pipeline / ceiling | failures |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const [variant, { pipeline, ceiling }] of results) {
    const p = medianOf(pipeline.map((r) => r.load))
    const lags = pipeline.map((r) => r.countedAfterSeconds ?? Number.POSITIVE_INFINITY)
    const c = ceiling.length > 0 ? medianOf(ceiling) : undefined
    lines.push(
      `| ${label(variant)} | ${fmt(p.eventsPerSecond)} | ${fmt(p.p50Ms, 1)} | ${fmt(p.p99Ms, 1)} | ${fmt(median(lags), 1)} | ` +
        `${c ? fmt(c.eventsPerSecond) : '-'} | ${c ? fmt(c.p50Ms, 1) : '-'} | ${c ? fmt(c.p99Ms, 1) : '-'} | ` +
        `${c ? fmt(p.eventsPerSecond / c.eventsPerSecond, 2) : '-'} | ${p.failures + (c?.failures ?? 0)} |`,
    )
  }
  lines.push(...cpuTable(results))
  for (const [variant, { pipeline }] of results) {
    const accepted = median(pipeline.map((r) => r.load.eventsPerSecond))
    const lag = median(pipeline.map((r) => r.countedAfterSeconds ?? Number.POSITIVE_INFINITY))
    lines.push(
      '',
      `Targets (${label(variant)}): >= 40,000 events/s accepted: ${fmt(accepted)} (${accepted >= 40_000 ? 'met' : 'missed'}); ` +
        `all counted within 10 s of the last 202: ${fmt(lag, 1)} s (${lag <= 10 ? 'met' : 'missed'}).`,
    )
  }
  console.log(lines.join('\n'))
}

/**
 * Where the cores went (medians of the runs): cores busy during the load, and
 * CPU µs per accepted event from the load's start until all were counted; the
 * last columns divide the machine's cores by that cost, the rate at which the
 * cores would be full (without the load generator: what a machine serving only
 * the pipeline and its broker would allow).
 */
function cpuTable(results: Map<Variant, Measured>): string[] {
  const cores = availableParallelism()
  const lines = [
    '',
    `Where the ${cores} cores went (medians): cores busy during the load, and CPU µs per accepted event until all were counted.`,
    '',
    '| codec, workers | cores busy: machine | all-in-one | load generator | rest (broker) | µs/event: all-in-one | load generator | rest (broker) | machine | events/s at full cores | without the generator |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const [variant, { pipeline }] of results) {
    const load = (key: 'machine' | 'tree' | 'self' | 'rest') =>
      median(pipeline.map((r) => r.cpu.loadCores[key]))
    const us = (key: 'machine' | 'tree' | 'self' | 'rest') =>
      median(pipeline.map((r) => r.cpu.microsPerEvent[key]))
    lines.push(
      `| ${label(variant)} | ${fmt(load('machine'), 2)} | ${fmt(load('tree'), 2)} | ${fmt(load('self'), 2)} | ${fmt(load('rest'), 2)} | ` +
        `${fmt(us('tree'), 1)} | ${fmt(us('self'), 1)} | ${fmt(us('rest'), 1)} | ${fmt(us('machine'), 1)} | ` +
        `${fmt((cores * 1e6) / us('machine'))} | ${fmt((cores * 1e6) / (us('tree') + us('rest')))} |`,
    )
  }
  return lines
}

async function main(): Promise<void> {
  // Like bench:ingest: the configured brokers, else the project's local broker.
  const local: LocalKafka | undefined = process.env.KAFKA_BROKERS ? undefined : await ensureLocalKafka()
  const brokers = local?.brokers ?? (process.env.KAFKA_BROKERS ?? '').split(',')
  console.log(`brokers ${brokers.join(',')}; variants: ${VARIANTS.map(label).join('; ')}`)
  const results = new Map<Variant, Measured>()
  try {
    for (const variant of VARIANTS) results.set(variant, await measure(brokers, variant))
    report(results)
  } finally {
    await local?.stop()
  }
}

await main()
