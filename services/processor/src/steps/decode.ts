import { type AdEvent, type FramedCodec, isCurrencyCode, schemaIdOf } from '@adpulse/events'
import type { IncomingMessage } from '@adpulse/kafka'
import type { SchemaCatalog } from '@adpulse/schema-registry'

/** Why a record of the events topic is not counted (the `reason` of its dead letter). */
export type DeadLetterReason =
  | 'poison_record'
  | 'invalid_event'
  | 'too_late'
  | 'too_far_in_future'
  | 'missing_rate'

/** A record of the events topic that cannot be counted, kept on the dead-letter topic. */
export interface PoisonRecord {
  offset: string
  reason: DeadLetterReason
  detail: string
}

/** How far an event time may lie before or after its receipt (ingest enforces the same). */
export interface TimeLimits {
  allowedLatenessMs: number
  maxClockSkewMs: number
}

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
    if (problem) poison.push({ offset: message.offset, ...problem })
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

const CHANNEL = /^[a-z0-9][a-z0-9_-]{0,63}$/

/** The contract's rules that Avro's types cannot carry (DESIGN.md, Events). */
export function checkDecoded(
  event: AdEvent,
  limits: TimeLimits,
): { reason: DeadLetterReason; detail: string } | null {
  const invalid = (detail: string) => ({ reason: 'invalid_event' as const, detail })
  if (event.event_id.length === 0 || event.event_id.length > 128) return invalid('event_id: 1-128 characters')
  if (!CHANNEL.test(event.channel))
    return invalid(`channel: not a lowercase slug: ${JSON.stringify(event.channel)}`)
  if (event.campaign_id.length === 0 || event.campaign_id.length > 128)
    return invalid('campaign_id: 1-128 characters')
  if ((event.cost_micros ?? 0n) < 0n) return invalid('cost_micros: negative')
  if ((event.value_micros ?? 0n) < 0n) return invalid('value_micros: negative')
  if (event.type === 'conversion' && !event.action) return invalid('action: missing on a conversion')
  if (!isCurrencyCode(event.currency))
    return invalid(`currency: not an ISO 4217 code in circulation: ${JSON.stringify(event.currency)}`)
  if (event.occurred_at < event.received_at - limits.allowedLatenessMs) {
    return {
      reason: 'too_late',
      detail: `occurred_at more than ${limits.allowedLatenessMs} ms before its receipt`,
    }
  }
  if (event.occurred_at > event.received_at + limits.maxClockSkewMs) {
    return {
      reason: 'too_far_in_future',
      detail: `occurred_at more than ${limits.maxClockSkewMs} ms after its receipt`,
    }
  }
  return null
}
