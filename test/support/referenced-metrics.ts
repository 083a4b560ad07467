/** Metric names an expression refers to, histogram series folded into their family. */
export function adpulseMetricsIn(expr: string): string[] {
  return [...expr.matchAll(/\badpulse_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''))
}
