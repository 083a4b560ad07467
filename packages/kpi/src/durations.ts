const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A duration such as `500ms`, `30s`, `15m`, `1h`, `7d`, or plain milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim())
  if (!match) return undefined
  const unit = UNIT_MS[match[2] ?? 'ms']
  return unit === undefined ? undefined : Number(match[1]) * unit
}
