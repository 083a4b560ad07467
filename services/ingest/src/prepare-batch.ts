import {
  type AdEvent,
  DEFAULT_CONTRACT,
  type DeadLetterReason,
  deadLetterReasonOf,
  type FieldError,
  type RejectReason,
  type ValidationContext,
  validateEvent,
} from '@adpulse/events'
import type { BodyItem } from './parse-body.ts'

export interface Rejection {
  index: number
  event_id: string | null
  errors: FieldError[]
  /**
   * The kind of the first error: a closed list, the `reason` label of
   * adpulse_ingest_events_rejected_total; `unparsable_line` for an NDJSON line
   * that is not JSON.
   */
  reason: RejectReason | 'unparsable_line'
  /** The reason of its dead letter, in the record and in adpulse_dead_letters_total alike. */
  deadLetterReason: DeadLetterReason
  /** The input as it came (an unparsable line as its text), kept on the dead-letter topic. */
  input: unknown
}

export interface PreparedBatch {
  accepted: AdEvent[]
  rejected: Rejection[]
}

/** Validates every item of a request; the valid ones are accepted, each invalid one is reported by index. */
export function prepareBatch(items: BodyItem[], ctx: ValidationContext): PreparedBatch {
  const accepted: AdEvent[] = []
  const rejected: Rejection[] = []
  items.forEach((item, index) => {
    if (!item.ok) {
      rejected.push({
        index,
        event_id: null,
        errors: [{ field: '', expected: 'a JSON object', got: item.error }],
        reason: 'unparsable_line',
        deadLetterReason: 'unparsable_line',
        input: item.line ?? null,
      })
      return
    }
    const result = validateEvent(item.value, ctx)
    if (result.ok) accepted.push(result.event)
    else
      rejected.push({
        index,
        event_id: eventIdOf(item.value, ctx.maxIdLength ?? DEFAULT_CONTRACT.maxIdLength),
        errors: result.errors,
        reason: result.reason,
        deadLetterReason: deadLetterReasonOf(result.reason),
        input: item.value,
      })
  })
  return { accepted, rejected }
}

function eventIdOf(value: unknown, maxLength: number): string | null {
  if (typeof value !== 'object' || value === null) return null
  const id = (value as Record<string, unknown>).event_id
  return typeof id === 'string' ? id.slice(0, maxLength) : null
}
