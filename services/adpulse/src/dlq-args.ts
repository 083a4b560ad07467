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

const DLQ_KAFKA = `Uses KAFKA_BROKERS, else the local broker of \`adpulse start\` (started for the command when
it is down); needs no ClickHouse.`

const DLQ_EXIT_CODES = `exit codes: 0 done; 1 configuration or Kafka failed;
            2 bad arguments, an unknown or unreplayable reason among them (nothing read)`

/** `adpulse dlq tail --help`. */
export const DLQ_TAIL_USAGE = `usage: adpulse dlq tail [--reason R[,R…]] [--since TIME] [--json] [--follow]

Prints the dead letters (ADPULSE_TOPIC_DLQ) written since --since, to the topic's end: when
written, reason, stage, source, event id, receipt, and the detail (docs/dead-letters.md).

options:
  --reason R    only these reasons, comma-separated: ${DEAD_LETTER_REASONS.join(', ')}
  --since TIME  RFC 3339, epoch ms, or a duration back from now such as 15m (default 1h)
  --json        JSON lines: each record as written, with dead_lettered_at, dlq_partition, dlq_offset
  --follow      keep printing new dead letters until SIGINT (Ctrl-C) or SIGTERM, then exit 0
  -h, --help    this help

${DLQ_KAFKA}

${DLQ_EXIT_CODES}`

/** `adpulse dlq replay --help`. */
export const DLQ_REPLAY_USAGE = `usage: adpulse dlq replay --reason R[,R…] [--from TIME] [--to TIME] [--dry-run]

Sends the recoverable dead letters of --reason back to the events topic, and says how many went
and how many were skipped, and why. missing_rate: the kept record as it was (import the rate
first); invalid_event, too_late, too_far_in_future: only when the contract in force now accepts
the event. The processor's dedup keeps a repeated replay from counting twice.

options:
  --reason R    required, comma-separated: ${REPLAYABLE_REASONS.join(', ')}
  --from TIME   dead letters written at or after: RFC 3339, epoch ms, or a duration back
                (default: the oldest)
  --to TIME     written before, the same form (default: now)
  --dry-run     produce nothing; report what would be replayed and skipped
  -h, --help    this help

${DLQ_KAFKA}

${DLQ_EXIT_CODES}`

/** `adpulse dlq --help`: both actions. */
export const DLQ_USAGE = `usage: adpulse dlq tail [--reason R[,R…]] [--since TIME] [--json] [--follow]
       adpulse dlq replay --reason R[,R…] [--from TIME] [--to TIME] [--dry-run]

Reads the dead-letter topic: \`tail\` prints it, \`replay\` sends the recoverable dead letters
back to the events topic. \`adpulse dlq tail --help\` and \`adpulse dlq replay --help\` say more.

${DLQ_KAFKA}

${DLQ_EXIT_CODES}`

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
