import type { AdpulseConfig } from '@adpulse/config'
import type { KafkaClient } from '@adpulse/kafka'
import type { DlqTailArgs } from './dlq-args.ts'
import { formatJsonLine, formatLine, matches, readDeadLetter } from './dlq-records.ts'

export interface TailOutput {
  write(text: string): unknown
}

/**
 * Prints the dead letters written since `args.since` (of the asked reasons) from
 * the dead-letter topic, to its end as it is now; with follow, on until `until`
 * settles. Returns how many were printed.
 */
export async function tailDeadLetters(
  kafka: KafkaClient,
  config: AdpulseConfig,
  args: DlqTailArgs,
  out: TailOutput,
  until?: Promise<unknown>,
): Promise<number> {
  const filter = { reasons: args.reasons, from: args.since, to: undefined }
  let printed = 0
  const reader = await kafka.readTopic({
    topic: config.kafka.topics.dlq,
    fromTimestamp: args.since,
    follow: args.follow,
    onMessages(partition, messages) {
      for (const message of messages) {
        const letter = readDeadLetter(partition, message)
        if (!matches(letter, filter)) continue
        out.write(args.json ? formatJsonLine(letter) : formatLine(letter))
        printed++
      }
    },
  })
  if (args.follow && until !== undefined) {
    await Promise.race([until, reader.finished])
    await reader.stop()
  }
  await reader.finished
  return printed
}
