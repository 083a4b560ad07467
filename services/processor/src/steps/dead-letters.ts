import { deadLetterRecord } from '@adpulse/events'
import type { IncomingBatch, Producer } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import type { PoisonRecord } from './decode.ts'

/**
 * Sends a batch's records that cannot be counted to the dead-letter topic, in
 * offset order, once the batch is in ClickHouse and before its offsets are
 * committed: at least once (docs/exactly-once.md, Where it stops).
 */
export async function sendDeadLetters(
  producer: Pick<Producer, 'send'>,
  topic: string,
  batch: IncomingBatch,
  poison: readonly PoisonRecord[],
  log: Logger,
): Promise<void> {
  if (poison.length === 0) return
  await producer.send(
    topic,
    poison.map((p) => poisonLetter(p, batch)),
  )
  log.warn(
    { partition: batch.partition, poison: poison.length },
    'poison records sent to the dead-letter topic',
  )
}

function poisonLetter(record: PoisonRecord, batch: IncomingBatch) {
  const message = batch.messages.find((m) => m.offset === record.offset)
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
          value_base64: message?.value?.toString('base64') ?? null,
        }),
      ),
    ),
    headers: { 'content-type': 'application/json' },
  }
}
