import { type AdEvent, type FieldError, type ValidationContext, validateEvent } from '@adpulse/events'
import type { BodyItem } from './parse-body.ts'

export interface Rejection {
  index: number
  event_id: string | null
  errors: FieldError[]
  /** The input as it came, kept on the dead-letter topic. */
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
        input: null,
      })
      return
    }
    const result = validateEvent(item.value, ctx)
    if (result.ok) accepted.push(result.event)
    else rejected.push({ index, event_id: eventIdOf(item.value), errors: result.errors, input: item.value })
  })
  return { accepted, rejected }
}

function eventIdOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null
  const id = (value as Record<string, unknown>).event_id
  return typeof id === 'string' ? id.slice(0, 128) : null
}
