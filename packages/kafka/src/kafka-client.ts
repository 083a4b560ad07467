import {
  Kafka,
  type Consumer as KafkaJsConsumer,
  type Producer as KafkaJsProducer,
  logLevel,
  Partitioners,
} from 'kafkajs'
import type { Logger } from 'pino'
import { isRetriable, KafkaAdapterError } from './errors.ts'

export interface KafkaClientOptions {
  brokers: string[]
  clientId: string
  logger: Logger
}

export interface OutgoingMessage {
  key: string
  value: Buffer
  headers?: Record<string, string>
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
  messages: IncomingMessage[]
}

export interface Producer {
  /** Resolves only when every message is acknowledged by all in-sync replicas. */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>
  disconnect(): Promise<void>
}

export interface ConsumeOptions {
  groupId: string
  topics: string[]
  fromBeginning: boolean
  /**
   * Handles one batch of one partition. Its offsets are committed only after
   * the returned promise resolves; a rejection leaves them uncommitted so the
   * batch is delivered again.
   */
  onBatch(batch: IncomingBatch): Promise<void>
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
  createProducer(): Promise<Producer>
  consume(options: ConsumeOptions): Promise<Consumer>
  ensureTopics(topics: TopicSpec[]): Promise<void>
  /** Resolves when the cluster answers a metadata request within timeoutMs. */
  ping(timeoutMs?: number): Promise<void>
  close(): Promise<void>
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
  const producers = new Set<KafkaJsProducer>()
  const consumers = new Set<KafkaJsConsumer>()

  return {
    async createProducer() {
      const producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      })
      try {
        await producer.connect()
      } catch (err) {
        throw new KafkaAdapterError('CONNECT_FAILED', 'producer cannot connect', true, { cause: err })
      }
      producers.add(producer)
      return {
        async send(topic, messages) {
          if (messages.length === 0) return
          try {
            await producer.send({ topic, acks: -1, messages })
          } catch (err) {
            throw new KafkaAdapterError('PRODUCE_FAILED', `produce to ${topic} failed`, isRetriable(err), {
              cause: err,
            })
          }
        },
        async disconnect() {
          producers.delete(producer)
          await producer.disconnect()
        },
      }
    },

    async consume({ groupId, topics, fromBeginning, onBatch }) {
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false })
      await consumer.connect()
      consumers.add(consumer)
      await consumer.subscribe({ topics, fromBeginning })
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale() || batch.messages.length === 0) return
          await onBatch({
            topic: batch.topic,
            partition: batch.partition,
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
