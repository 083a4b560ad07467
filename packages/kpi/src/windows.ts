/** Named rolling windows of /v1/kpis (DESIGN.md, KPIs). */
export const NAMED_WINDOWS: Readonly<Record<string, number>> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
}

export interface TimeRange {
  /** Inclusive, epoch ms, a minute boundary. */
  from: number
  /** Exclusive, epoch ms, a minute boundary. */
  to: number
}

/**
 * The range of a rolling window ending now: `to` is the end of the current
 * minute (so the minute in progress counts), `from` is `to` minus the window.
 */
export function rollingRange(windowMs: number, now: number): TimeRange {
  const to = Math.floor(now / 60_000) * 60_000 + 60_000
  return { from: to - windowMs, to }
}
