import { quantile } from './stats.ts'

/** The latencies of one way of running one query, in milliseconds, per round. */
export interface WayTimings {
  rounds: number[][]
}

export interface CaseTimings {
  name: string
  product: WayTimings
  bare: WayTimings
  http?: WayTimings | undefined
  /** The bare query in one step, where the bare query and the product rank the keys first. */
  reference?: WayTimings | undefined
}

export interface LatencySummary {
  n: number
  p50: number
  p99: number
}

/** n, p50 and p99 (nearest rank) of latencies in milliseconds. */
export function latencySummary(ms: readonly number[]): LatencySummary {
  return { n: ms.length, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) }
}

const pooled = (way: WayTimings) => latencySummary(way.rounds.flat())

/** product / bare of a quantile, per round: the spread of the ratio across rounds. */
export function roundRatios(product: WayTimings, bare: WayTimings, q: number): number[] {
  return product.rounds.map((ms, i) => quantile(ms, q) / quantile(bare.rounds[i] ?? [], q))
}

export interface Targets {
  p99Ms: number
  ratio: number
}

export const TARGETS: Targets = { p99Ms: 500, ratio: 2 }

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1))
const range = (values: number[], digits: (v: number) => string) =>
  values.length <= 1 ? '' : ` (${digits(Math.min(...values))}–${digits(Math.max(...values))})`

/**
 * The markdown table of a run: per query n, p50 and p99 of each way pooled
 * over the rounds, the product/bare ratios of the pooled p50 and p99 (with
 * the spread of the per-round ratios, and of the product's per-round p99),
 * and whether the product meets the targets.
 */
export function queryTable(cases: readonly CaseTimings[], targets: Targets = TARGETS): string {
  const lines = [
    '| query | n | product p50 / p99 ms | bare SQL p50 / p99 ms | HTTP p50 / p99 ms | product/bare p50 | product/bare p99 | p99 < 500 ms, ≤ 2× bare |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ]
  for (const c of cases) {
    const product = pooled(c.product)
    const bare = pooled(c.bare)
    const http = c.http ? pooled(c.http) : undefined
    const ratio50 = product.p50 / bare.p50
    const ratio99 = product.p99 / bare.p99
    const spread50 = range(roundRatios(c.product, c.bare, 0.5), (v) => v.toFixed(2))
    const spread99 = range(roundRatios(c.product, c.bare, 0.99), (v) => v.toFixed(2))
    const met = product.p99 < targets.p99Ms && ratio99 <= targets.ratio
    const p99s = range(
      c.product.rounds.map((ms) => quantile(ms, 0.99)),
      fmt,
    )
    lines.push(
      `| ${c.name} | ${product.n} | ${fmt(product.p50)} / ${fmt(product.p99)}${p99s} | ${fmt(bare.p50)} / ${fmt(bare.p99)} | ` +
        `${http ? `${fmt(http.p50)} / ${fmt(http.p99)}` : '—'} | ${ratio50.toFixed(2)}${spread50} | ` +
        `${ratio99.toFixed(2)}${spread99} | ${met ? 'met' : '**missed**'} |`,
    )
  }
  return lines.join('\n')
}

/** The reference lines: the one-step bare query, beside the bare query the product is held to. */
export function referenceTable(cases: readonly CaseTimings[]): string {
  const lines = [
    '| query | bare SQL in one step p50 / p99 ms | bare SQL p50 / p99 ms | product p50 / p99 ms |',
    '| --- | ---: | ---: | ---: |',
  ]
  for (const c of cases) {
    if (c.reference === undefined) continue
    const [reference, bare, product] = [pooled(c.reference), pooled(c.bare), pooled(c.product)]
    lines.push(
      `| ${c.name} | ${fmt(reference.p50)} / ${fmt(reference.p99)} | ${fmt(bare.p50)} / ${fmt(bare.p99)} | ` +
        `${fmt(product.p50)} / ${fmt(product.p99)} |`,
    )
  }
  return lines.join('\n')
}
