import { DEAD_LETTER_REASONS, type DeadLetterReason, parseRfc3339 } from '@adpulse/events'
import { parseDurationMs } from '@adpulse/kpi'
import { readFlags } from './cli-flags.ts'

/** `adpulse dlq tail` arguments, validated. */
export interface DlqTailArgs {
  /** `--reason R[,R…]`; empty: every reason. */
  reasons: ReadonlySet<DeadLetterReason>
  /** `--since`, epoch ms: dead letters written at or after it (default an hour back). */
  since: number
  /** `--json`: one JSON line per dead letter. */
  json: boolean
  /** `--follow`: keep printing what arrives, until interrupted. */
  follow: boolean
}

/** `adpulse dlq replay` arguments, validated. */
export interface DlqReplayArgs {
  /** `--reason R[,R…]`, required: replayable reasons only. */
  reasons: ReadonlySet<DeadLetterReason>
  /** `--from`, epoch ms; undefined: the oldest dead letter kept. */
  from: number | undefined
  /** `--to`, epoch ms, exclusive; undefined: up to now. */
  to: number | undefined
  /** `--dry-run`: produce nothing, report what would be replayed. */
  dryRun: boolean
}

export type Parsed<T> = { ok: true; args: T } | { ok: false; error: string }

/**
 * The reasons whose dead letters replay can bring back (dlq-replay-plan.ts says
 * how); the others need the sender or the writer fixed (docs/dead-letters.md).
 */
export const REPLAYABLE_REASONS: readonly DeadLetterReason[] = [
  'missing_rate',
  'invalid_event',
  'too_late',
  'too_far_in_future',
]

/** How far back `adpulse dlq tail` looks without --since. */
export const DEFAULT_TAIL_SINCE_MS = 3_600_000

const TIME_EXAMPLE = 'RFC 3339 such as 2026-11-22T10:00:00Z, epoch ms, or a duration back from now such as 1h'

export function parseDlqTailArgs(argv: readonly string[], now: number): Parsed<DlqTailArgs> {
  const read = readFlags(argv, new Set(['--reason', '--since']), new Set(['--json', '--follow']))
  if (!read.ok) return read
  const { values, switches } = read.flags
  const reasons = parseReasons(values.get('--reason'), DEAD_LETTER_REASONS)
  if (!reasons.ok) return reasons
  const sinceText = values.get('--since')
  const since =
    sinceText === undefined
      ? { ok: true as const, ms: now - DEFAULT_TAIL_SINCE_MS }
      : instant('--since', sinceText, now)
  if (!since.ok) return since
  return {
    ok: true,
    args: {
      reasons: reasons.reasons,
      since: since.ms,
      json: switches.has('--json'),
      follow: switches.has('--follow'),
    },
  }
}

export function parseDlqReplayArgs(argv: readonly string[], now: number): Parsed<DlqReplayArgs> {
  const read = readFlags(argv, new Set(['--reason', '--from', '--to']), new Set(['--dry-run']))
  if (!read.ok) return read
  const { values, switches } = read.flags
  const reasonText = values.get('--reason')
  if (reasonText === undefined) {
    return { ok: false, error: `--reason: required, one or more of ${REPLAYABLE_REASONS.join(', ')}` }
  }
  const reasons = parseReasons(reasonText, REPLAYABLE_REASONS)
  if (!reasons.ok) return reasons
  const bound = (flag: string) => {
    const text = values.get(flag)
    return text === undefined ? ({ ok: true, ms: undefined } as const) : instant(flag, text, now)
  }
  const from = bound('--from')
  if (!from.ok) return from
  const to = bound('--to')
  if (!to.ok) return to
  if (from.ms !== undefined && to.ms !== undefined && to.ms <= from.ms) {
    return { ok: false, error: '--to: must be after --from' }
  }
  return {
    ok: true,
    args: { reasons: reasons.reasons, from: from.ms, to: to.ms, dryRun: switches.has('--dry-run') },
  }
}

/** `R[,R…]` of the allowed reasons; a reason outside them is refused with the list of those allowed. */
function parseReasons(
  text: string | undefined,
  allowed: readonly DeadLetterReason[],
): { ok: true; reasons: Set<DeadLetterReason> } | { ok: false; error: string } {
  const reasons = new Set<DeadLetterReason>()
  for (const name of text === undefined ? [] : text.split(',')) {
    const reason = allowed.find((r) => r === name.trim())
    if (reason === undefined) {
      const known = (DEAD_LETTER_REASONS as readonly string[]).includes(name.trim())
      const why = known
        ? `${JSON.stringify(name)} cannot be replayed (docs/dead-letters.md)`
        : `unknown reason ${JSON.stringify(name)}`
      return { ok: false, error: `--reason: ${why}; expected one or more of ${allowed.join(', ')}` }
    }
    reasons.add(reason)
  }
  return { ok: true, reasons }
}

type Instant = { ok: true; ms: number } | { ok: false; error: string }

/** RFC 3339, epoch ms (digits only), or a duration (`90s`, `15m`, `1h`, `2d`) back from `now`. */
function instant(flag: string, text: string, now: number): Instant {
  const duration = /^\d+$/.test(text) ? undefined : parseDurationMs(text)
  const ms = /^\d+$/.test(text) ? Number(text) : duration !== undefined ? now - duration : parseRfc3339(text)
  if (ms === null || !Number.isSafeInteger(ms)) {
    return { ok: false, error: `${flag}: expected ${TIME_EXAMPLE}, got ${JSON.stringify(text)}` }
  }
  return { ok: true, ms }
}
