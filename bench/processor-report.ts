import type { RunReport } from './processor-child.ts'
import type { PeerReport } from './processor-peer-child.ts'
import { median } from './stats.ts'
import { THREAD_KINDS } from './thread-cpu.ts'

/** The tables `pnpm bench:processor` prints: readers, where the time went, memory, and the targets (issue 12). */
export interface BenchResults {
  events: number
  campaigns: number
  ceilings: number[]
  reports: RunReport[]
  peers: PeerReport[]
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)
const met = (ok: boolean) => (ok ? 'met' : '**missed**')
const n = (x: number) => Math.round(x).toLocaleString('en-US')

export function printReport({ events, campaigns, ceilings, reports, peers }: BenchResults): void {
  const processorRates = reports.map((r) => events / r.seconds)
  const peerRates = peers.map((p) => events / p.seconds)
  const toCeiling = median(processorRates.map((rate, i) => rate / (ceilings[i] ?? 1)))
  const toPeer = median(processorRates.map((rate, i) => rate / (peerRates[i] ?? 1)))
  console.log(
    `\nprocessor benchmark: ${events} events, ${campaigns} campaigns, medians of ${reports.length} runs\n`,
  )
  console.log('| reader | events/s | runs |')
  console.log('| --- | ---: | --- |')
  const row = (name: string, rates: number[]) =>
    console.log(`| ${name} | ${n(median(rates))} | ${rates.map(n).join(' / ')} |`)
  row('no-op consumer (ceiling)', ceilings)
  row('processor (decode, price, dedup, write)', processorRates)
  row('peer: Kafka engine + view in chDB', peerRates)
  printStages(reports)
  printMemory(reports)
  const peak = median(reports.map((r) => r.peak.jsAndBuffers))
  console.log('\n| target | figure | |')
  console.log('| --- | --- | --- |')
  console.log(
    `| ≥ 0.5 × the no-op consumer | ${toCeiling.toFixed(2)} × (median of the runs' ratios) | ${met(toCeiling >= 0.5)} |`,
  )
  console.log(
    `| ≥ 1.5 × the Kafka-engine peer | ${toPeer.toFixed(2)} × (median of the runs' ratios) | ${met(toPeer >= 1.5)} |`,
  )
  console.log(
    `| JS heap + buffers ≤ 150 MB at peak, ${campaigns} campaigns | ${mb(peak)} MB | ${met(peak <= 150 * 1024 * 1024)} |`,
  )
}

/** Medians over the runs of where the processor child's wall time went (processor-stages.ts). */
function printStages(reports: RunReport[]): void {
  const at = (pick: (r: RunReport) => number) => n(median(reports.map(pick)))
  console.log('\n| processor run (medians) | ms | |')
  console.log('| --- | ---: | --- |')
  console.log(`| wall, start to last commit | ${at((r) => r.seconds * 1000)} | group join included |`)
  console.log(
    `| in the batch handler | ${at((r) => r.stages.handlerMs)} | ${at((r) => r.stages.batches)} batches: decode, price, dedup, write, wait for the inserts |`,
  )
  console.log(
    `| outside it | ${at((r) => r.seconds * 1000 - r.stages.handlerMs)} | kafkajs: join, fetch, decompress, commit |`,
  )
  console.log(
    `| inserts (chDB, one at a time; each slice encoded before its turn) | ${at((r) => r.stages.insertMs)} | ${at((r) => r.stages.inserts)} inserts, ${at((r) => r.stages.insertMs / Math.max(1, r.stages.inserts))} ms each |`,
  )
  console.log(`| GC pauses (main thread) | ${at((r) => r.stages.gcMs)} | |`)
  printCpu(reports)
}

/**
 * Medians over the runs of the CPU time of the processor child by kind of
 * thread (thread-cpu.ts): on 2 cores, what bounds it is their sum per event.
 */
function printCpu(reports: RunReport[]): void {
  const perEvent = (ms: number, r: RunReport) => (ms * 1000) / (r.written.rows || 1)
  const total = (r: RunReport) => Object.values(r.stages.cpuMs).reduce((a, b) => a + b, 0)
  const line = (name: string, pick: (r: RunReport) => number) =>
    console.log(
      `| ${name} | ${n(median(reports.map(pick)))} | ${median(reports.map((r) => perEvent(pick(r), r))).toFixed(1)} |`,
    )
  console.log('\n| processor CPU during the run, by thread (medians) | ms | µs per event |')
  console.log('| --- | ---: | ---: |')
  for (const kind of THREAD_KINDS) line(kind, (r) => r.stages.cpuMs[kind])
  line('all threads', total)
  console.log(
    `| cores busy (all threads / wall) | ${median(reports.map((r) => total(r) / 1000 / r.seconds)).toFixed(2)} | |`,
  )
}

function printMemory(reports: RunReport[]): void {
  const at = (pick: (r: RunReport) => number) => mb(median(reports.map(pick)))
  console.log('\n| processor process memory (medians) | idle (chDB loaded, migrated) | peak during the run |')
  console.log('| --- | ---: | ---: |')
  console.log(
    `| JS heap used + external (Buffers) | ${at((r) => r.idle.jsAndBuffers)} MB | ${at((r) => r.peak.jsAndBuffers)} MB |`,
  )
  console.log(
    `| JS heap used / total | ${at((r) => r.idle.heapUsed)} / ${at((r) => r.idle.heapTotal)} MB | ${at((r) => r.peak.heapUsed)} / ${at((r) => r.peak.heapTotal)} MB |`,
  )
  console.log(`| external (Buffers) | ${at((r) => r.idle.external)} MB | ${at((r) => r.peak.external)} MB |`)
  console.log(`| RSS | ${at((r) => r.idle.rss)} MB | ${at((r) => r.peak.rss)} MB |`)
  console.log(
    `| chDB MemoryTracking | ${at((r) => r.idle.chdbTracked)} MB | ${at((r) => r.peak.chdbTracked)} MB |`,
  )
  console.log(`| kernel maxRSS (startup included) | | ${at((r) => r.maxRss)} MB |`)
}

/** One line per setting of BENCH_SETTINGS: medians over the runs, each ratio against its own run's ceiling and peer. */
export function printSettings(
  { events, ceilings, peers }: Pick<BenchResults, 'events' | 'ceilings' | 'peers'>,
  settings: Array<{ name: string; reports: RunReport[] }>,
): void {
  const peerRates = peers.map((p) => events / p.seconds)
  console.log(
    `\nceiling ${n(median(ceilings))} ev/s, peer ${n(median(peerRates))} ev/s (medians of ${ceilings.length} runs)\n`,
  )
  console.log(
    '| setting (fetch per partition / slice) | processor ev/s (runs) | / ceiling | / peer | inserts | ms per insert | peak heap + Buffers |',
  )
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const { name, reports } of settings) {
    const rates = reports.map((r) => events / r.seconds)
    const toCeiling = median(rates.map((rate, i) => rate / (ceilings[i] ?? 1)))
    const toPeer = median(rates.map((rate, i) => rate / (peerRates[i] ?? 1)))
    const inserts = median(reports.map((r) => r.stages.inserts))
    const perInsert = median(reports.map((r) => r.stages.insertMs / Math.max(1, r.stages.inserts)))
    console.log(
      `| ${name} | ${n(median(rates))} (${rates.map(n).join(' / ')}) | ${toCeiling.toFixed(2)} × | ${toPeer.toFixed(2)} × | ` +
        `${n(inserts)} | ${n(perInsert)} | ${mb(median(reports.map((r) => r.peak.jsAndBuffers)))} MB |`,
    )
  }
}
