/**
 * A label value set that cannot grow past `max`: the first `max` distinct values
 * keep their own label, every later one shares `overflow`. Metrics labelled by
 * something senders choose (a channel) use it, so a misbehaving sender cannot
 * create unbounded series. Values are kept in the order first seen, per process.
 */
export function boundedLabel(max: number, overflow = 'other'): (value: string) => string {
  const kept = new Set<string>()
  return (value) => {
    if (kept.has(value)) return value
    if (kept.size >= max || value === overflow) return overflow
    kept.add(value)
    return value
  }
}
