import { DAY_MS } from '@adpulse/clickhouse'
import { parseRfc3339 } from '@adpulse/events'
import { readFlags } from './cli-flags.ts'

/** `adpulse rebuild` arguments, validated: whole UTC days. */
export interface RebuildArgs {
  /** `--from`, epoch ms, the start of a UTC day. */
  from: number
  /** `--to`, epoch ms, the start of a UTC day, exclusive. */
  to: number
}

/** `adpulse rebuild --help`. */
export const REBUILD_USAGE = `usage: adpulse rebuild --from DAY --to DAY

Recomputes the minute buckets (kpi_buckets) of whole UTC days from the raw events
(events_raw), one day at a time, each swapped in at once; repeatable, and safe while the
pipeline runs against a ClickHouse server. Days must lie within ADPULSE_RAW_RETENTION.
A progress bar goes to stderr, a line per day to stdout.

options:
  --from DAY    first day: 2026-11-20, or its start as RFC 3339 or epoch ms
  --to DAY      end day, exclusive, the same form
  -h, --help    this help

With embedded chDB (no CLICKHOUSE_URL) it opens ADPULSE_CHDB_PATH itself, which one process
may hold at a time: stop a running \`adpulse start\` first, or use a ClickHouse server.

exit codes: 0 done; 1 configuration or ClickHouse failed;
            2 bad arguments or days outside the raw retention (nothing rebuilt)`

export type RebuildArgsResult = { ok: true; args: RebuildArgs } | { ok: false; error: string }

const DAY_EXAMPLE =
  'a UTC day such as 2026-11-20, or its start in RFC 3339 (2026-11-20T00:00:00Z) or epoch ms'

/**
 * Parses `--from DAY --to DAY` (also `--flag=value`). Buckets are rebuilt a
 * UTC day at a time, the unit ClickHouse swaps atomically, so both ends are days.
 * Every error names its flag.
 */
export function parseRebuildArgs(argv: readonly string[]): RebuildArgsResult {
  const read = readFlags(argv, new Set(['--from', '--to']))
  if (!read.ok) return read
  const { values } = read.flags
  const from = day('--from', values.get('--from'))
  if (!from.ok) return from
  const to = day('--to', values.get('--to'))
  if (!to.ok) return to
  if (to.ms <= from.ms) return { ok: false, error: '--to: must be after --from (it is exclusive)' }
  return { ok: true, args: { from: from.ms, to: to.ms } }
}

type Day = { ok: true; ms: number } | { ok: false; error: string }

function day(flag: string, text: string | undefined): Day {
  if (text === undefined) return { ok: false, error: `${flag}: required (${DAY_EXAMPLE})` }
  const ms = /^\d+$/.test(text)
    ? Number(text)
    : /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? parseRfc3339(`${text}T00:00:00Z`)
      : parseRfc3339(text)
  if (ms === null || !Number.isSafeInteger(ms)) {
    return { ok: false, error: `${flag}: expected ${DAY_EXAMPLE}, got ${JSON.stringify(text)}` }
  }
  if (ms % DAY_MS !== 0) {
    return {
      ok: false,
      error: `${flag}: must be the start of a UTC day (buckets are rebuilt by day), got ${text}`,
    }
  }
  return { ok: true, ms }
}

/**
 * The days of a range that events_raw still holds whole, or why not. Its TTL
 * counts from receipt, and an event may be received up to a day before its
 * day starts (clock skew): a day is safe while its start lies more than the
 * retention minus a day in the past. Rebuilding an older day would replace its
 * buckets with what is left of its events.
 */
export function rebuildDays(
  args: RebuildArgs,
  now: number,
  retentionMs: number,
): { ok: true; days: number[] } | { ok: false; error: string } {
  const oldestSafe = Math.ceil((now - retentionMs + DAY_MS) / DAY_MS) * DAY_MS
  if (args.from < oldestSafe) {
    return {
      ok: false,
      error:
        `--from: events of days before ${isoDay(oldestSafe)} may already be past the raw retention ` +
        `(ADPULSE_RAW_RETENTION, ${retentionMs / DAY_MS} days): rebuilding them from events_raw would lose their buckets`,
    }
  }
  const latest = Math.floor(now / DAY_MS) * DAY_MS + 2 * DAY_MS
  if (args.to > latest) {
    return {
      ok: false,
      error: `--to: at most ${isoDay(latest)} (exclusive): no events can belong to later days yet`,
    }
  }
  const days: number[] = []
  for (let d = args.from; d < args.to; d += DAY_MS) days.push(d)
  return { ok: true, days }
}

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
