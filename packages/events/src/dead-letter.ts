import type { FieldError } from './event.ts'
import type { RejectReason } from './validate.ts'

/**
 * Why a record went to the dead-letter topic: one closed list for every stage,
 * the `reason` of the record and of adpulse_dead_letters_total alike
 * (docs/dead-letters.md says what each means and what to do about it).
 */
export const DEAD_LETTER_REASONS = [
  'invalid_event',
  'too_late',
  'too_far_in_future',
  'unparsable_line',
  'unparsable_body',
  'undecodable_body',
  'poison_record',
  'missing_rate',
] as const
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number]

/** Where a record was sent to the dead-letter topic. */
export type DeadLetterStage = 'ingest' | 'processor'

/** The dead-letter reason of an event the contract refuses: its time window, or invalid. */
export function deadLetterReasonOf(reason: RejectReason): DeadLetterReason {
  return reason === 'too_late' || reason === 'too_far_in_future' ? reason : 'invalid_event'
}

/**
 * What came, kept as it was: an event (JSON) or a line of text as `input`, a
 * whole body as text (`input`, `input_chars`) or bytes (`input_base64`,
 * `input_bytes`), a record of the events topic as `value_base64`.
 */
export type KeptInput =
  | { input: unknown }
  | { input: string; input_chars: number }
  | { input_base64: string; input_bytes: number }
  | { value_base64: string | null }

/**
 * One record on the dead-letter topic, whichever stage wrote it: every field is
 * present, null where the stage does not know it (README, Topics).
 */
export type DeadLetterRecord = {
  reason: DeadLetterReason
  stage: DeadLetterStage
  /** The sender's source name (ingest key), when known. */
  source: string | null
  /** When ingest received it, ISO 8601, when known. */
  received_at: string | null
  event_id: string | null
  /** Its position in the request (ingest), else null. */
  index: number | null
  /** Every problem with a field; empty when there is none to name (undecodable, missing rate). */
  errors: FieldError[]
  /** The problem in one line. */
  detail: string
  /** Where it was read from (processor), else null. */
  topic: string | null
  partition: number | null
  offset: string | null
} & KeptInput

/** What a stage knows of a dead letter; the rest is null. */
export type DeadLetterFacts = {
  reason: DeadLetterReason
  stage: DeadLetterStage
  source?: string | null
  /** Epoch ms. */
  receivedAt?: number | null
  eventId?: string | null
  index?: number | null
  errors?: FieldError[]
  /** Default: the first error, rendered. */
  detail?: string
  topic?: string | null
  partition?: number | null
  offset?: string | null
} & KeptInput

/** Builds the one dead-letter record shape of every stage (pure: the JSON, not the Kafka message). */
export function deadLetterRecord(facts: DeadLetterFacts): DeadLetterRecord {
  const {
    reason,
    stage,
    source,
    receivedAt,
    eventId,
    index,
    errors,
    detail,
    topic,
    partition,
    offset,
    ...kept
  } = facts
  return {
    reason,
    stage,
    source: source ?? null,
    received_at: receivedAt === undefined || receivedAt === null ? null : new Date(receivedAt).toISOString(),
    event_id: eventId ?? null,
    index: index ?? null,
    errors: errors ?? [],
    detail: detail ?? detailOf(errors ?? []),
    topic: topic ?? null,
    partition: partition ?? null,
    offset: offset ?? null,
    ...kept,
  }
}

/** One field error in a line: `field: expected (got ...)`. */
export function describeFieldError({ field, expected, got }: FieldError): string {
  return `${field === '' ? 'input' : field}: ${expected} (got ${got})`
}

function detailOf(errors: readonly FieldError[]): string {
  const [first, ...more] = errors
  if (!first) return ''
  return more.length === 0 ? describeFieldError(first) : `${describeFieldError(first)}; ${more.length} more`
}
