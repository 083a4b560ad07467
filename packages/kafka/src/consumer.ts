import type { Kafka, Batch as KafkaJsBatch, Consumer as KafkaJsConsumer, KafkaMessage } from 'kafkajs'
import { BatchCommits } from './batch-commits.ts'
import { KafkaAdapterError } from './errors.ts'

export interface IncomingMessage {
  offset: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, string>
  /** Broker timestamp, epoch ms. */
  timestamp: number
}

export interface IncomingBatch {
  topic: string
  partition: number
  /**
   * The partition's high watermark when the batch was fetched: the offset the
   * next record written will get. It minus the next offset to commit is the lag.
   */
  highWatermark: string
  messages: IncomingMessage[]
}

/**
 * A batch its handler is done reading but still writing: the partition's next
 * batch may be handed over meanwhile, and this one is committed once `written`
 * resolves (after every earlier batch of the partition).
 */
export interface BatchInFlight {
  /**
   * Resolves once the batch may be committed. A rejection commits nothing more
   * of the partition: it is read again from its last commit.
   */
  written: Promise<void>
}

/** Partitions the group gave this member, per topic (after every rebalance). */
export type PartitionAssignment = ReadonlyArray<{ topic: string; partitions: number[] }>

export interface ConsumeOptions {
  groupId: string
  topics: string[]
  fromBeginning: boolean
  /**
   * How long the group waits for a silent member before reassigning its
   * partitions (kafkajs default 30s); the broker bounds it (group.min.session.timeout.ms).
   */
  sessionTimeoutMs?: number
  /**
   * Handles one batch of one partition. Its offsets are committed only after
   * the returned promise resolves, or, when it resolves to a BatchInFlight,
   * after its `written` does (the partition's next batch is handled meanwhile);
   * a rejection of either leaves them uncommitted so the batch is delivered
   * again (as a new batch). The handler owns the batch: it may take the
   * messages off it as it is done with them (the processor does, so a large
   * fetch is not held whole); nothing reads it afterwards.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: most handlers are done when they return, and say nothing
  onBatch(batch: IncomingBatch): Promise<BatchInFlight | void>
  /**
   * Batches of different partitions handled at the same time (kafkajs
   * partitionsConsumedConcurrently), default 1. Batches of one partition are
   * always handled one after the other, and committed in that order.
   */
  partitionsConcurrently?: number
  /**
   * Most bytes fetched per partition at once (kafkajs maxBytesPerPartition,
   * default 1 MiB, compressed: a gzip-compressed MiB can be 60,000 records).
   * Bounds the records in hand per partition; a larger record batch still comes whole.
   */
  maxBytesPerPartition?: number
  /**
   * Most bytes of one fetch over all partitions (kafkajs maxBytes, default 10 MiB):
   * kafkajs fetches every assigned partition at once and hands the batches over
   * one after the other, so this bounds the records in hand per fetch.
   */
  maxBytes?: number
  /** Called when the group (re)assigns partitions: state kept per partition can drop the ones that left. */
  onAssignment?(assignment: PartitionAssignment): void
  /**
   * Called when this member learns the group is rebalancing (kafkajs REBALANCING):
   * every partition may leave it, so work that must not outlive its ownership stops.
   * A member stalled past the session timeout learns it only once it fetches again.
   */
  onRevoke?(): void
}

export interface Consumer {
  /** Waits for the commits of the writes in hand, stops fetching, waits for the batch in hand, leaves the group. */
  stop(): Promise<void>
}

/** A kafkajs batch in our terms: string headers, epoch-ms timestamps. */
function incomingBatch(batch: KafkaJsBatch): IncomingBatch {
  return {
    topic: batch.topic,
    partition: batch.partition,
    highWatermark: batch.highWatermark,
    messages: batch.messages.map(incomingMessage),
  }
}

/** The headers of every message that has none: one object, not one per record (a fetch is ~60,000). */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>

/** A kafkajs message in our terms: string headers, an epoch-ms timestamp. */
export function incomingMessage(m: KafkaMessage): IncomingMessage {
  const headers = m.headers ? Object.entries(m.headers) : []
  return {
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers:
      headers.length === 0
        ? NO_HEADERS
        : Object.fromEntries(headers.map(([k, v]) => [k, v === undefined ? '' : String(v)])),
    timestamp: Number(m.timestamp),
  }
}

/**
 * Lets kafkajs's own message objects of a batch go once ours are made: kafkajs
 * keeps its batch until the handler returns, and then reads only the batch's
 * last offset (what it resolves as consumed), which the last message still
 * gives. Ours keep the value Buffers, so the handler can drop the records it
 * is done with (a 1 MiB fetch is ~60,000 records; docs/benchmarks.md).
 */
export function releaseKafkaJsMessages(batch: KafkaJsBatch): void {
  type Messages = Record<'rawMessages' | 'messagesWithinOffset' | 'messages', KafkaMessage[]>
  const internal = batch as unknown as Messages
  const kept: Messages = { ...internal }
  const before = batch.lastOffset()
  const last = internal.messagesWithinOffset[internal.messagesWithinOffset.length - 1]
  if (!last) return
  internal.rawMessages = [last]
  internal.messagesWithinOffset = [last]
  internal.messages = internal.messages.length === 0 ? [] : [last]
  // Another kafkajs whose batch reads its last offset otherwise: keep its messages as they were.
  if (batch.lastOffset() !== before) Object.assign(internal, kept)
}

/** The commits of a consumer's handled batches (BatchCommits): committed and rewound through kafkajs. */
function batchCommits(consumer: KafkaJsConsumer): BatchCommits {
  return new BatchCommits(
    async (topic, partition, next) => {
      try {
        await consumer.commitOffsets([{ topic, partition, offset: next }])
      } catch (err) {
        throw new KafkaAdapterError('COMMIT_FAILED', `commit of ${topic}/${partition}`, true, { cause: err })
      }
    },
    (topic, partition, offset) => consumer.seek({ topic, partition, offset }),
  )
}

/**
 * Joins the group and runs onBatch for each batch, committing its offsets only
 * after it resolves. `open` holds the client's connected consumers, for it to
 * disconnect on close.
 */
export async function startConsumer(
  kafka: Kafka,
  options: ConsumeOptions,
  open: Set<KafkaJsConsumer>,
): Promise<Consumer> {
  const { groupId, sessionTimeoutMs, maxBytesPerPartition, maxBytes, onAssignment, onRevoke } = options
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    ...(sessionTimeoutMs === undefined ? {} : { sessionTimeout: sessionTimeoutMs }),
    ...(maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition }),
    ...(maxBytes === undefined ? {} : { maxBytes }),
  })
  const commits = batchCommits(consumer)
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    // A new generation reads from the commits: what the one before had in hand commits nothing.
    commits.reset()
    onAssignment?.(
      Object.entries(payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions })),
    )
  })
  if (onRevoke) consumer.on(consumer.events.REBALANCING, () => onRevoke())
  await consumer.connect()
  open.add(consumer)
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning })
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return
      const { topic, partition } = batch
      commits.throwIfFailed(topic, partition)
      const next = (BigInt(batch.lastOffset()) + 1n).toString()
      const first = batch.firstOffset() ?? next
      const incoming = incomingBatch(batch)
      releaseKafkaJsMessages(batch)
      const inFlight = await options.onBatch(incoming)
      const committed = commits.add(topic, partition, first, next, inFlight?.written ?? Promise.resolve())
      // A batch done when its handler returns is committed before the next is fetched, as always.
      if (!inFlight) {
        await committed
        commits.throwIfFailed(topic, partition)
      }
      await heartbeat()
    },
  })
  return {
    async stop() {
      open.delete(consumer)
      // The writes in hand end (the caller stopped them) and what they finished is committed.
      await commits.settled()
      await consumer.disconnect()
    },
  }
}
