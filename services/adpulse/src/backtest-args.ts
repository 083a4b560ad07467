import { parseRfc3339 } from '@adpulse/events'
import { parseDurationMs } from '@adpulse/kpi'
import { DEFAULT_STEP_MS } from './backtest-window.ts'
import { readFlags } from './cli-flags.ts'

/** `adpulse backtest` arguments, validated. */
export interface BacktestArgs {
  /** `--rules FILE`; undefined: the rules in force (ADPULSE_RULES_FILE, else the defaults). */
  rulesFile: string | undefined
  /** `--from`, epoch ms, a whole minute: the first evaluation. */
  from: number
  /** `--to`, epoch ms, a whole minute, exclusive: no evaluation at or after it. */
  to: number
  /** `--step`, ms, whole minutes, default 15m. */
  stepMs: number
  /** `--json`: JSON lines instead of a table. */
  json: boolean
}

/** `adpulse backtest --help`. */
export const BACKTEST_USAGE = `usage: adpulse backtest --from TIME --to TIME [--rules FILE] [--step 15m] [--json]

Replays the stored minute buckets through the rules every --step from --from to --to, and
prints the signals that would have fired with the spend each would have saved (CUT) or added
(SCALE). Reads ClickHouse only, starts no Kafka.

options:
  --from TIME   first evaluation: RFC 3339 (2026-11-22T10:00:00Z) or epoch ms, on a whole minute
  --to TIME     end, exclusive, the same form
  --rules FILE  rules file, YAML or JSON (docs/decisions.md); default ADPULSE_RULES_FILE, else
                the default rules
  --step DUR    time between evaluations, whole minutes (default 15m)
  --json        JSON lines, money as strings of micros, instead of a table
  -h, --help    this help

With embedded chDB (no CLICKHOUSE_URL) it opens ADPULSE_CHDB_PATH itself, which one process
may hold at a time: stop a running \`adpulse start\` first, or use a ClickHouse server.

exit codes: 0 done; 1 configuration, the rules in force or ClickHouse failed;
            2 bad arguments or --rules file (nothing run)`

export type BacktestArgsResult = { ok: true; args: BacktestArgs } | { ok: false; error: string }

const VALUE_FLAGS = new Set(['--rules', '--from', '--to', '--step'])
const TIME_EXAMPLE = 'RFC 3339 such as 2026-11-22T10:00:00Z, or epoch ms'

/**
 * Parses `--flag value` and `--flag=value`. Every error names its flag, so the
 * CLI can print it as is and exit 2.
 */
export function parseBacktestArgs(argv: readonly string[]): BacktestArgsResult {
  const read = readFlags(argv, VALUE_FLAGS, new Set(['--json']))
  if (!read.ok) return read
  const { values } = read.flags
  const json = read.flags.switches.has('--json')

  const from = instant('--from', values.get('--from'))
  if (!from.ok) return from
  const to = instant('--to', values.get('--to'))
  if (!to.ok) return to
  if (to.ms <= from.ms) return { ok: false, error: '--to: must be after --from' }

  const stepText = values.get('--step')
  const stepMs = stepText === undefined ? DEFAULT_STEP_MS : parseDurationMs(stepText)
  if (stepMs === undefined || stepMs < 60_000 || stepMs % 60_000 !== 0) {
    return {
      ok: false,
      error: `--step: expected whole minutes, at least 1m, such as 15m or 1h, got ${JSON.stringify(stepText)}`,
    }
  }
  return { ok: true, args: { rulesFile: values.get('--rules'), from: from.ms, to: to.ms, stepMs, json } }
}

type Instant = { ok: true; ms: number } | { ok: false; error: string }

function instant(flag: string, text: string | undefined): Instant {
  if (text === undefined) return { ok: false, error: `${flag}: required (${TIME_EXAMPLE})` }
  const ms = /^\d+$/.test(text) ? Number(text) : parseRfc3339(text)
  if (ms === null || !Number.isSafeInteger(ms)) {
    return { ok: false, error: `${flag}: expected ${TIME_EXAMPLE}, got ${JSON.stringify(text)}` }
  }
  // Buckets are minutes: a window or a spend sum that starts inside a minute cannot be answered exactly.
  if (ms % 60_000 !== 0) {
    return { ok: false, error: `${flag}: must fall on a whole minute (buckets are minutes), got ${text}` }
  }
  return { ok: true, ms }
}
