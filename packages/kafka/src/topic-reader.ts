import { randomUUID } from 'node:crypto'
import type { Admin, Kafka } from 'kafkajs'
import { type IncomingMessage, incomingMessage } from './consumer.ts'
import { isRetriable, KafkaAdapterError } from './errors.ts'

export interface ReadTopicOptions {
  topic: string
  /**
   * Epoch ms: each partition is read from its first record written at or after
   * it (the broker's offset for the timestamp); undefined: from the oldest record kept.
   */
  fromTimestamp?: number
  /**
   * Keep reading what is written after the call, until stop(). Default false:
   * each partition is read up to the end it had when the call was made, then
   * the reader stops by itself.
   */
  follow?: boolean
  /** The records of one partition, in offset order; the next batch waits for it, a rejection ends the read (finished rejects). */
  onMessages(partition: number, messages: IncomingMessage[]): Promise<void> | void
}

export interface TopicReader {
  /** Resolves when every partition was read to its end (never with follow), rejects when reading fails. */
  finished: Promise<void>
  /** Stops reading (before the end, or a follow). */
  stop(): Promise<void>
}

/**
 * Reads a range of a topic without joining anybody's group or committing
 * anything: for tools that look at a topic (the dead-letter CLI). kafkajs only
 * consumes through a group, so the reader uses a group of its own, never
 * commits, seeks each partition to its start and deletes the group afterwards.
 */
export async function readTopic(
  kafka: Kafka,
  admin: () => Promise<Admin>,
  clientId: string,
  options: ReadTopicOptions,
): Promise<TopicReader> {
  const { topic, fromTimestamp, follow = false } = options
  const { starts, ends } = await topicRange(await admin(), topic, fromTimestamp)
  const pending = new Set(
    [...starts.keys()].filter((p) => follow || (starts.get(p) ?? 0n) < (ends.get(p) ?? 0n)),
  )
  if (pending.size === 0) return { finished: Promise.resolve(), stop: async () => undefined }

  const groupId = `${clientId}-read-${randomUUID()}`
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false })
  let settle: { resolve(): void; reject(err: unknown): void } | undefined
  const finished = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject }
  })
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await consumer.disconnect().catch(() => undefined)
    await (await admin()).deleteGroups([groupId]).catch(() => undefined)
    settle?.resolve()
  }
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return
    settle?.reject(
      new KafkaAdapterError('READ_FAILED', `reading ${topic} failed`, isRetriable(payload.error), {
        cause: payload.error,
      }),
    )
    void stop()
  })

  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, isRunning }) => {
      if (!isRunning() || stopped || !pending.has(batch.partition)) return
      const start = starts.get(batch.partition) ?? 0n
      const end = ends.get(batch.partition) ?? 0n
      // A seek lands on the next fetch: what came before it, or lies past the end, is left out here.
      const inRange = batch.messages.filter((m) => {
        const offset = BigInt(m.offset)
        return offset >= start && (follow || offset < end)
      })
      try {
        if (inRange.length > 0) await options.onMessages(batch.partition, inRange.map(incomingMessage))
      } catch (err) {
        // Not retried: a handler that failed half-way would see its records twice.
        settle?.reject(err)
        void stop()
        return
      }
      if (!follow && BigInt(batch.lastOffset()) + 1n >= end) {
        pending.delete(batch.partition)
        if (pending.size === 0) void stop()
      }
    },
  })
  for (const [partition, offset] of starts) consumer.seek({ topic, partition, offset: offset.toString() })
  return { finished, stop }
}

/** Per partition: the first offset to read (at the timestamp, or the oldest kept) and the end now. */
async function topicRange(
  admin: Admin,
  topic: string,
  fromTimestamp: number | undefined,
): Promise<{ starts: Map<number, bigint>; ends: Map<number, bigint> }> {
  let known: boolean
  try {
    known = (await admin.listTopics()).includes(topic)
  } catch (err) {
    throw new KafkaAdapterError('CONNECT_FAILED', 'cannot list the topics', isRetriable(err), { cause: err })
  }
  if (!known) throw new KafkaAdapterError('UNKNOWN_TOPIC', `no topic ${topic}`, false)
  try {
    const offsets = await admin.fetchTopicOffsets(topic)
    const ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]))
    const starts =
      fromTimestamp === undefined
        ? new Map(offsets.map((o) => [o.partition, BigInt(o.low)]))
        : new Map(
            (await admin.fetchTopicOffsetsByTimestamp(topic, fromTimestamp)).map((o) => [
              o.partition,
              BigInt(o.offset),
            ]),
          )
    return { starts, ends }
  } catch (err) {
    throw new KafkaAdapterError('READ_FAILED', `cannot read the offsets of ${topic}`, isRetriable(err), {
      cause: err,
    })
  }
}
