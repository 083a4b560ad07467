import { Kafka, type Consumer as KafkaJsConsumer, logLevel } from 'kafkajs'
import type { Logger } from 'pino'
import { isRetriable, KafkaAdapterError } from './errors.ts'
import {
  createResilientProducer,
  DEFAULT_PRODUCER_OPTIONS,
  type Producer,
  type ProducerOptions,
} from './producer.ts'

export interface KafkaClientOptions {
  brokers: string[]
  clientId: string
  logger: Logger
}

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
   * the returned promise resolves; a rejection leaves them uncommitted so the
   * batch is delivered again.
   */
  onBatch(batch: IncomingBatch): Promise<void>
  /**
   * Batches of different partitions handled at the same time (kafkajs
   * partitionsConsumedConcurrently), default 1. Batches of one partition are
   * always handled one after the other, and each is committed after its onBatch.
   */
  partitionsConcurrently?: number
  /**
   * Most bytes fetched per partition at once (kafkajs maxBytesPerPartition,
   * default 1 MiB, compressed: a gzip-compressed MiB can be 60,000 records).
   * Bounds the records in hand per partition; a larger record batch still comes whole.
   */
  maxBytesPerPartition?: number
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
  /** Stops fetching, waits for the batch in hand, leaves the group. */
  stop(): Promise<void>
}

export interface TopicSpec {
  topic: string
  partitions: number
  replicationFactor: number
}

/** Our small interface over kafkajs: the rest of adpulse never imports kafkajs. */
export interface KafkaClient {
  /** An idempotent, self-healing producer (see producer.ts); connected before it resolves. */
  createProducer(options?: ProducerOptions): Promise<Producer>
  consume(options: ConsumeOptions): Promise<Consumer>
  ensureTopics(topics: TopicSpec[]): Promise<void>
  /** Resolves when the cluster answers a metadata request within timeoutMs. */
  ping(timeoutMs?: number): Promise<void>
  /** Per partition of a topic: the broker's high watermark and the group's committed offset (-1: none). */
  groupProgress(groupId: string, topic: string): Promise<PartitionProgress[]>
  close(): Promise<void>
}

export interface PartitionProgress {
  partition: number
  highWatermark: bigint
  committedOffset: bigint
}

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const log = options.logger.child({ component: 'kafkajs' })
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry
        if (level <= logLevel.ERROR) log.error(rest, message)
        else if (level === logLevel.WARN) log.warn(rest, message)
        else log.debug(rest, message)
      },
  })
  const admin = kafka.admin()
  let adminConnected: Promise<void> | undefined
  const connectAdmin = () => {
    adminConnected ??= admin.connect().catch((err: unknown) => {
      adminConnected = undefined
      throw new KafkaAdapterError('CONNECT_FAILED', 'cannot reach Kafka', true, { cause: err })
    })
    return adminConnected
  }
  const producers = new Set<Producer>()
  const consumers = new Set<KafkaJsConsumer>()

  return {
    async createProducer(producerOptions = DEFAULT_PRODUCER_OPTIONS) {
      const producer = await createResilientProducer(kafka, producerOptions, log)
      producers.add(producer)
      return {
        ...producer,
        async disconnect() {
          producers.delete(producer)
          await producer.disconnect()
        },
      }
    },

    async consume({
      groupId,
      topics,
      fromBeginning,
      sessionTimeoutMs,
      partitionsConcurrently,
      maxBytesPerPartition,
      onBatch,
      onAssignment,
      onRevoke,
    }) {
      const consumer = kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        ...(sessionTimeoutMs === undefined ? {} : { sessionTimeout: sessionTimeoutMs }),
        ...(maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition }),
      })
      if (onAssignment) {
        consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
          onAssignment(
            Object.entries(payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions })),
          ),
        )
      }
      if (onRevoke) consumer.on(consumer.events.REBALANCING, () => onRevoke())
      await consumer.connect()
      consumers.add(consumer)
      await consumer.subscribe({ topics, fromBeginning })
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: partitionsConcurrently ?? 1,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale() || batch.messages.length === 0) return
          await onBatch({
            topic: batch.topic,
            partition: batch.partition,
            highWatermark: batch.highWatermark,
            messages: batch.messages.map((m) => ({
              offset: m.offset,
              key: m.key,
              value: m.value,
              headers: Object.fromEntries(
                Object.entries(m.headers ?? {}).map(([k, v]) => [k, v === undefined ? '' : String(v)]),
              ),
              timestamp: Number(m.timestamp),
            })),
          })
          const next = (BigInt(batch.lastOffset()) + 1n).toString()
          try {
            await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }])
          } catch (err) {
            throw new KafkaAdapterError(
              'COMMIT_FAILED',
              `commit of ${batch.topic}/${batch.partition}`,
              true,
              {
                cause: err,
              },
            )
          }
          await heartbeat()
        },
      })
      return {
        async stop() {
          consumers.delete(consumer)
          await consumer.disconnect()
        },
      }
    },

    async ensureTopics(specs) {
      await connectAdmin()
      try {
        const existing = new Set(await admin.listTopics())
        const missing = specs.filter((spec) => !existing.has(spec.topic))
        if (missing.length === 0) return
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((spec) => ({
            topic: spec.topic,
            numPartitions: spec.partitions,
            replicationFactor: spec.replicationFactor,
          })),
        })
      } catch (err) {
        // Another instance may have created it in between: that is success.
        if (isTopicExists(err)) return
        throw new KafkaAdapterError('TOPIC_SETUP_FAILED', 'cannot create topics', isRetriable(err), {
          cause: err,
        })
      }
    },

    async ping(timeoutMs = 2000) {
      await connectAdmin()
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new KafkaAdapterError('CONNECT_FAILED', `no answer within ${timeoutMs} ms`, true)),
          timeoutMs,
        )
      })
      try {
        await Promise.race([admin.describeCluster(), timeout])
      } catch (err) {
        if (err instanceof KafkaAdapterError) throw err
        throw new KafkaAdapterError('CONNECT_FAILED', 'cluster metadata request failed', true, { cause: err })
      } finally {
        clearTimeout(timer)
      }
    },

    async groupProgress(groupId, topic) {
      await connectAdmin()
      try {
        const [ends, [committed]] = await Promise.all([
          admin.fetchTopicOffsets(topic),
          admin.fetchOffsets({ groupId, topics: [topic] }),
        ])
        const committedBy = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]))
        return ends.map((end) => ({
          partition: end.partition,
          highWatermark: BigInt(end.high),
          committedOffset: committedBy.get(end.partition) ?? -1n,
        }))
      } catch (err) {
        throw new KafkaAdapterError(
          'CONNECT_FAILED',
          `cannot read the progress of ${groupId} on ${topic}`,
          true,
          {
            cause: err,
          },
        )
      }
    },

    async close() {
      await Promise.allSettled([...consumers].map((c) => c.disconnect()))
      await Promise.allSettled([...producers].map((p) => p.disconnect()))
      await admin.disconnect()
    },
  }
}

function isTopicExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'type' in err && err.type === 'TOPIC_ALREADY_EXISTS'
}
