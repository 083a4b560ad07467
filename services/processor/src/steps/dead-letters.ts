import { deadLetterRecord } from '@adpulse/events'
import type { IncomingBatch, IncomingMessage, Producer } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import type { PoisonRecord } from './decode.ts'

/**
 * Sends the records of `records` (a chunk of a batch) that cannot be counted to the dead-letter topic, in
 * offset order, and resolves once Kafka acknowledged them all (acks from all
 * in-sync replicas). The caller awaits it before the slice's insert: a written
 * offset makes a restarted owner skip every record at or below it, dead letters
 * included. A replay of offsets not yet behind a written one sends them again:
 * at least once, each with a deterministic id (deadLetterId) so readers can drop
 * repeats (docs/exactly-once.md, Where it stops).
 */
export async function sendDeadLetters(
  producer: Pick<Producer, 'send'>,
  topic: string,
  batch: Pick<IncomingBatch, 'topic' | 'partition'>,
  records: readonly IncomingMessage[],
  poison: readonly PoisonRecord[],
  log: Logger,
): Promise<void> {
  if (poison.length === 0) return
  const valuesByOffset = new Map(records.map((m) => [m.offset, m.value]))
  await producer.send(
    topic,
    poison.map((p) => poisonLetter(p, batch, valuesByOffset.get(p.offset) ?? null)),
  )
  log.warn(
    { partition: batch.partition, poison: poison.length },
    'poison records sent to the dead-letter topic',
  )
}

function poisonLetter(
  record: PoisonRecord,
  batch: Pick<IncomingBatch, 'topic' | 'partition'>,
  value: Buffer | null,
) {
  return {
    key: `${batch.topic}/${batch.partition}`,
    value: Buffer.from(
      JSON.stringify(
        deadLetterRecord({
          reason: record.reason,
          stage: 'processor',
          source: record.event?.source ?? null,
          receivedAt: record.event?.received_at ?? null,
          eventId: record.event?.event_id ?? null,
          errors: record.errors ?? [],
          detail: record.detail,
          topic: batch.topic,
          partition: batch.partition,
          offset: record.offset,
          value_base64: value?.toString('base64') ?? null,
        }),
      ),
    ),
    headers: {
      'content-type': 'application/json',
      [DEAD_LETTER_ID_HEADER]: deadLetterId(batch, record.offset),
    },
  }
}

/** The header naming a processor dead letter's id: the same on every replay of its record. */
export const DEAD_LETTER_ID_HEADER = 'dead-letter-id'

/** `topic/partition/offset` of the record: what a replay sends again under the same id. */
export function deadLetterId(batch: Pick<IncomingBatch, 'topic' | 'partition'>, offset: string): string {
  return `${batch.topic}/${batch.partition}/${offset}`
}
