import { type Kafka, type Producer as KafkaJsProducer, type Message, Partitioners } from 'kafkajs'
import type { Logger } from 'pino'
import { COMPRESSION_TYPES, type Compression } from './codecs.ts'
import { isRetriable, KafkaAdapterError } from './errors.ts'

export interface OutgoingMessage {
  key: string
  value: Buffer
  headers?: Record<string, string>
}

/** Messages for one topic, as one part of a produce call. */
export interface TopicMessages {
  topic: string
  messages: OutgoingMessage[]
}

export interface Producer {
  /** Resolves only when every message is acknowledged by all in-sync replicas. */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>
  /**
   * One produce call for messages of several topics; resolves only when every
   * message is acknowledged by all in-sync replicas, and rejects otherwise
   * (some partitions may have been written: the caller must treat the whole call as failed).
   */
  sendBatch(batch: TopicMessages[]): Promise<void>
  disconnect(): Promise<void>
}

export interface ProducerOptions {
  /** Codec of every record batch: gzip is built into kafkajs, lz4 and zstd come from codecs.ts. */
  compression: Compression
  /** Attempts after the first before a send fails. */
  retries: number
}

export const DEFAULT_PRODUCER_OPTIONS: ProducerOptions = { compression: 'gzip', retries: 5 }

/**
 * An idempotent producer (acks from all in-sync replicas, one request in flight
 * per broker, as kafkajs requires for idempotence to keep order) that heals
 * itself: after a failed send the kafkajs producer is dropped and the next send
 * connects a new one, with a new producer id. A failed send leaves kafkajs's
 * sequence numbers unreliable (kafkajs warns that bounded retries "may
 * invalidate EoS guarantees"); a fresh producer id sidesteps that, and it is
 * how ingest recovers without a restart when the broker comes back.
 */
export async function createResilientProducer(
  kafka: Kafka,
  options: ProducerOptions,
  logger: Logger,
): Promise<Producer> {
  const compression = COMPRESSION_TYPES[options.compression]
  let current: Promise<KafkaJsProducer> | undefined
  let closed = false

  const connect = (): Promise<KafkaJsProducer> => {
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: options.retries, initialRetryTime: 100, maxRetryTime: 1000 },
    })
    return producer.connect().then(
      () => producer,
      (err: unknown) => {
        void producer.disconnect().catch(() => undefined)
        throw new KafkaAdapterError('CONNECT_FAILED', 'producer cannot connect', true, { cause: err })
      },
    )
  }
  const acquire = () => {
    if (closed) return Promise.reject(new KafkaAdapterError('PRODUCE_FAILED', 'producer is closed', false))
    const attempt = current ?? connect()
    current = attempt
    attempt.catch(() => {
      if (current === attempt) current = undefined
    })
    return attempt
  }
  const discard = (failed: Promise<KafkaJsProducer>) => {
    if (current !== failed) return
    current = undefined
    void failed.then((p) => p.disconnect()).catch(() => undefined)
    logger.warn('producer replaced after a failed send')
  }

  const sendBatch = async (batch: TopicMessages[]) => {
    const topicMessages = batch
      .filter((part) => part.messages.length > 0)
      .map((part) => ({ topic: part.topic, messages: part.messages as Message[] }))
    if (topicMessages.length === 0) return
    const handle = acquire()
    const producer = await handle
    try {
      await producer.sendBatch({ topicMessages, acks: -1, compression })
    } catch (err) {
      discard(handle)
      const topics = topicMessages.map((part) => part.topic).join(', ')
      throw new KafkaAdapterError('PRODUCE_FAILED', `produce to ${topics} failed`, isRetriable(err), {
        cause: err,
      })
    }
  }

  await acquire()
  return {
    send: (topic, messages) => sendBatch([{ topic, messages }]),
    sendBatch,
    async disconnect() {
      closed = true
      const last = current
      current = undefined
      if (last) await last.then((p) => p.disconnect()).catch(() => undefined)
    },
  }
}
