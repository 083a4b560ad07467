import { DEAD_LETTER_REASONS, type DeadLetterReason, type DeadLetterRecord } from '@adpulse/events'

/** A record read from the dead-letter topic, with where and when it was written there. */
export interface DeadLetter {
  /** Partition and offset on the dead-letter topic. */
  partition: number
  offset: string
  /** When it was written to the dead-letter topic (the Kafka timestamp), epoch ms. */
  writtenAt: number
  /** The record, or why it is not one (not JSON, no known reason): written by something other than adpulse. */
  record: DeadLetterRecord | { unreadable: string }
}

/** A Kafka record of the dead-letter topic as its reader gives it. */
export interface DeadLetterMessage {
  offset: string
  value: Buffer | null
  timestamp: number
}

/**
 * Reads one record of the dead-letter topic. Only what the tools rely on is
 * checked (a JSON object with a known reason and stage); the rest is taken as
 * deadLetterRecord wrote it.
 */
export function readDeadLetter(partition: number, message: DeadLetterMessage): DeadLetter {
  const at = { partition, offset: message.offset, writtenAt: message.timestamp }
  if (message.value === null) return { ...at, record: { unreadable: 'empty record (a tombstone)' } }
  let parsed: unknown
  try {
    parsed = JSON.parse(message.value.toString('utf8'))
  } catch {
    return { ...at, record: { unreadable: 'not JSON' } }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ...at, record: { unreadable: 'not a JSON object' } }
  }
  const { reason, stage } = parsed as Record<string, unknown>
  if (!(DEAD_LETTER_REASONS as readonly unknown[]).includes(reason)) {
    return { ...at, record: { unreadable: `no known reason (got ${JSON.stringify(reason) ?? 'none'})` } }
  }
  if (stage !== 'ingest' && stage !== 'processor') {
    return { ...at, record: { unreadable: `no known stage (got ${JSON.stringify(stage) ?? 'none'})` } }
  }
  return { ...at, record: parsed as DeadLetterRecord }
}

/** Which dead letters a command looks at: by reason (empty: all) and by when they were written. */
export interface DeadLetterFilter {
  reasons: ReadonlySet<DeadLetterReason>
  /** Epoch ms, inclusive; undefined: no lower bound. */
  from: number | undefined
  /** Epoch ms, exclusive; undefined: no upper bound. */
  to: number | undefined
}

/**
 * Whether a dead letter passes the filter. Times are checked here as well as by
 * the reader's start offset: Kafka timestamps are set by producers, so one
 * written later may carry an earlier time. An unreadable record has no reason:
 * it shows only when no reason is asked for.
 */
export function matches(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (filter.from !== undefined && letter.writtenAt < filter.from) return false
  if (filter.to !== undefined && letter.writtenAt >= filter.to) return false
  if (filter.reasons.size === 0) return true
  return 'reason' in letter.record && filter.reasons.has(letter.record.reason)
}

/**
 * One dead letter for a person: when it was written, reason, stage, source,
 * event id and receipt (`-` when unknown), where the processor read it, then
 * the detail indented on the next line.
 */
export function formatLine(letter: DeadLetter): string {
  const written = new Date(letter.writtenAt).toISOString()
  const record = letter.record
  if ('unreadable' in record) {
    return `${written}  unreadable  at ${letter.partition}/${letter.offset}\n    ${record.unreadable}\n`
  }
  const fields = [
    written,
    record.reason,
    record.stage,
    `source=${record.source ?? '-'}`,
    `event_id=${record.event_id ?? '-'}`,
    `received_at=${record.received_at ?? '-'}`,
  ]
  if (record.topic !== null)
    fields.push(`from=${record.topic}/${record.partition ?? '-'}@${record.offset ?? '-'}`)
  return `${fields.join('  ')}\n    ${record.detail === '' ? '(no detail)' : record.detail}\n`
}

/**
 * One dead letter as a JSON line: the record as written, with where and when it
 * was written to the dead-letter topic (`dlq_partition`, `dlq_offset`, `dead_lettered_at`).
 */
export function formatJsonLine(letter: DeadLetter): string {
  return `${JSON.stringify({
    dead_lettered_at: new Date(letter.writtenAt).toISOString(),
    dlq_partition: letter.partition,
    dlq_offset: letter.offset,
    ...letter.record,
  })}\n`
}
