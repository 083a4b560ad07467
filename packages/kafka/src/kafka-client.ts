import { Kafka, type Consumer as KafkaJsConsumer, logLevel } from 'kafkajs'
import type { Logger } from 'pino'
import { KafkaAdmin, type PartitionProgress, type TopicSpec } from './admin.ts'
import { registerCodecs } from './codecs.ts'
import { type ConsumeOptions, type Consumer, startConsumer } from './consumer.ts'
import {
  createResilientProducer,
  DEFAULT_PRODUCER_OPTIONS,
  type Producer,
  type ProducerOptions,
} from './producer.ts'
import { type KafkaSecurity, kafkaJsSecurity } from './security.ts'
import { probeTls } from './tls-probe.ts'
import { type ReadTopicOptions, readTopic, type TopicReader } from './topic-reader.ts'

export interface KafkaClientOptions {
  brokers: string[]
  clientId: string
  logger: Logger
  /**
   * SASL and TLS of every connection the client makes (producers, consumers,
   * admin, topic readers): the config's `kafka.security`. Undefined: plain TCP,
   * no SASL, as the shared test broker and the local broker listen.
   */
  security?: KafkaSecurity
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
  /** Reads a topic from a time (or its oldest record) to its end, or on with follow; commits nothing (topic-reader.ts). */
  readTopic(options: ReadTopicOptions): Promise<TopicReader>
  close(): Promise<void>
}

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  registerCodecs()
  const log = options.logger.child({ component: 'kafkajs' })
  const { ssl, sasl } = kafkaJsSecurity(options.security)
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(ssl && { ssl }),
    ...(sasl && { sasl }),
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
  const [seed] = options.brokers
  const admin = new KafkaAdmin(kafka, ssl && seed ? () => probeTls(seed, ssl, 3000) : undefined)
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
    consume: (consumeOptions) => startConsumer(kafka, consumeOptions, consumers),
    ensureTopics: (specs) => admin.ensureTopics(specs),
    ping: (timeoutMs = 2000) => admin.ping(timeoutMs),
    groupProgress: (groupId, topic) => admin.groupProgress(groupId, topic),
    readTopic: (readOptions) => readTopic(kafka, () => admin.ready(), options.clientId, readOptions),
    async close() {
      await Promise.allSettled([...consumers].map((c) => c.disconnect()))
      await Promise.allSettled([...producers].map((p) => p.disconnect()))
      await admin.disconnect()
    },
  }
}
