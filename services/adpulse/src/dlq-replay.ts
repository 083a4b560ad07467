import type { AdpulseConfig } from '@adpulse/config'
import { createEventCodec, schemaIdOf } from '@adpulse/events'
import type { KafkaClient, OutgoingMessage, Producer } from '@adpulse/kafka'
import type { SchemaCatalog } from '@adpulse/schema-registry'
import type { DlqReplayArgs } from './dlq-args.ts'
import { type DeadLetter, matches, readDeadLetter } from './dlq-records.ts'
import { countDecision, decideReplay, emptyTally, type ReplayTally } from './dlq-replay-plan.ts'

/**
 * Reads the dead letters of the asked reasons written in [from, to) and sends
 * the replayable ones back to the events topic, one produce call per batch read
 * (none with dryRun). Returns what was replayed and skipped.
 */
export async function replayDeadLetters(
  kafka: KafkaClient,
  config: AdpulseConfig,
  schemas: SchemaCatalog,
  args: DlqReplayArgs,
): Promise<ReplayTally> {
  const codec = createEventCodec(schemas.events)
  const context = { contract: config.contract, reportingCurrency: config.reportingCurrency, codec }
  const filter = { reasons: args.reasons, from: args.from, to: args.to }
  const tally = emptyTally()
  const producer: Producer | undefined = args.dryRun
    ? undefined
    : await kafka.createProducer(config.kafka.producer)
  try {
    const reader = await kafka.readTopic({
      topic: config.kafka.topics.dlq,
      ...(args.from === undefined ? {} : { fromTimestamp: args.from }),
      async onMessages(partition, messages) {
        const letters = messages.map((m) => readDeadLetter(partition, m)).filter((l) => matches(l, filter))
        const replays: OutgoingMessage[] = []
        for (const letter of letters) {
          const record = letter.record
          if ('unreadable' in record) continue
          await resolveKeptSchema(letter, schemas)
          const decision = decideReplay(record, context)
          countDecision(tally, record.reason, decision)
          if (decision.replay) replays.push({ key: decision.key, value: decision.value })
        }
        if (producer && replays.length > 0) await producer.send(config.kafka.topics.events, replays)
      },
    })
    await reader.finished
    return tally
  } finally {
    await producer?.disconnect()
  }
}

/** With a schema registry, the writer schema of a kept record is learnt before it is decoded. */
async function resolveKeptSchema(letter: DeadLetter, schemas: SchemaCatalog): Promise<void> {
  const record = letter.record
  if (!('value_base64' in record) || record.value_base64 === null) return
  const id = schemaIdOf(Buffer.from(record.value_base64, 'base64'))
  if (id !== null) await schemas.resolve(id)
}
