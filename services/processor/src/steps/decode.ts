import {
  type AdEvent,
  checkEvent,
  type DeadLetterReason,
  deadLetterReasonOf,
  describeFieldError,
  type EventContract,
  type FieldError,
  type FramedCodec,
  schemaIdOf,
} from '@adpulse/events'
import type { IncomingMessage } from '@adpulse/kafka'
import type { SchemaCatalog } from '@adpulse/schema-registry'

/** Why a record of the events topic is not counted (the `reason` of its dead letter): the one list, in packages/events. */
export type { DeadLetterReason } from '@adpulse/events'

/** A record of the events topic that cannot be counted, kept on the dead-letter topic. */
export interface PoisonRecord {
  offset: string
  reason: DeadLetterReason
  detail: string
  /** The fields the contract refuses, when the record decoded. */
  errors?: FieldError[]
  /** The event, when the record decoded (its source, id and receipt go in the dead letter). */
  event?: Pick<AdEvent, 'source' | 'event_id' | 'received_at'>
}

/** The contract a decoded event is checked against: the one ingest validated it with (config.contract). */
export type TimeLimits = EventContract

/** A record decoded and checked against the contract, not yet converted nor priced. */
export interface DecodedRecord {
  offset: string
  event: AdEvent
}

export interface DecodedBatch {
  decoded: DecodedRecord[]
  poison: PoisonRecord[]
}

/**
 * Decodes and checks one batch of records. Ingest validates what it writes, but
 * the topic may hold records from other writers: valid Avro with invalid values,
 * and event times outside the allowed lateness or clock skew (judged against the
 * receipt time, so a replay decides the same), are dead letters too.
 */
export function decodeBatch(
  messages: IncomingMessage[],
  codec: FramedCodec<AdEvent>,
  limits: TimeLimits,
): DecodedBatch {
  const decoded: DecodedRecord[] = []
  const poison: PoisonRecord[] = []
  for (const message of messages) {
    if (message.value === null) {
      poison.push({ offset: message.offset, reason: 'poison_record', detail: 'empty record (tombstone)' })
      continue
    }
    let event: AdEvent
    try {
      event = codec.decode(message.value)
    } catch (err) {
      poison.push({ offset: message.offset, reason: 'poison_record', detail: (err as Error).message })
      continue
    }
    const problem = checkDecoded(event, limits)
    if (problem) poison.push({ offset: message.offset, ...problem, event })
    else decoded.push({ offset: message.offset, event })
  }
  return { decoded, poison }
}

/**
 * Learns the writer schemas of these records that this process has not seen
 * (registry mode) before they are decoded: an unknown id then decodes as poison,
 * a registry that does not answer fails the batch.
 */
export async function learnWriterSchemas(
  messages: readonly IncomingMessage[],
  schemas: Pick<SchemaCatalog, 'resolve'>,
): Promise<void> {
  const writerIds = new Set(messages.map((m) => (m.value ? schemaIdOf(m.value) : null)))
  writerIds.delete(null)
  await Promise.all([...writerIds].map((id) => schemas.resolve(id as number)))
}

/** The contract's rules that Avro's types cannot carry (DESIGN.md, Events): checkEvent, as ingest applies them. */
export function checkDecoded(
  event: AdEvent,
  limits: TimeLimits,
): { reason: DeadLetterReason; detail: string; errors: FieldError[] } | null {
  const checked = checkEvent(event, limits, event.received_at)
  if (checked.ok) return null
  return {
    reason: deadLetterReasonOf(checked.reason),
    detail: checked.errors.map(describeFieldError).join('; '),
    errors: checked.errors,
  }
}
