/** The q-quantile (0..1) of a list of numbers, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank] as number
}

export const median = (values: readonly number[]) => quantile(values, 0.5)

/** One measured run: events per second and request (or send) latency in milliseconds. */
export interface RunResult {
  eventsPerSecond: number
  p50Ms: number
  p99Ms: number
  requests: number
  failures: number
}

export function summarize(
  latenciesMs: number[],
  events: number,
  seconds: number,
  failures: number,
): RunResult {
  return {
    eventsPerSecond: events / seconds,
    p50Ms: quantile(latenciesMs, 0.5),
    p99Ms: quantile(latenciesMs, 0.99),
    requests: latenciesMs.length,
    failures,
  }
}

/** The median of each figure over runs; failures added up. */
export function medianOf(runs: RunResult[]): RunResult {
  return {
    eventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    requests: median(runs.map((r) => r.requests)),
    failures: runs.reduce((n, r) => n + r.failures, 0),
  }
}
