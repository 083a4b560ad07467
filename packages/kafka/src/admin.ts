import type { Kafka, Admin as KafkaJsAdmin } from 'kafkajs'
import { isRetriable, KafkaAdapterError } from './errors.ts'
import { securityFailureOf } from './security-failure.ts'

export interface TopicSpec {
  topic: string
  partitions: number
  replicationFactor: number
}

export interface PartitionProgress {
  partition: number
  highWatermark: bigint
  committedOffset: bigint
}

/** The cluster questions of the client (topics, liveness, a group's progress), over one admin connected on first use. */
export class KafkaAdmin {
  private readonly admin: KafkaJsAdmin
  private connected: Promise<void> | undefined

  /** preflight: a check before the first connection (the TLS probe, tls-probe.ts). */
  constructor(
    kafka: Kafka,
    private readonly preflight: () => Promise<void> = async () => undefined,
  ) {
    this.admin = kafka.admin()
  }

  /**
   * Connects once; a failed attempt is forgotten, so the next call tries again.
   * Refused credentials or certificates fail as AUTH_FAILED or TLS_FAILED, not
   * retriable: the first connection is where a process finds out, at its start.
   */
  private connect(): Promise<void> {
    this.connected ??= this.preflight()
      .then(() => this.admin.connect())
      .catch((err: unknown) => {
        this.connected = undefined
        throw connectFailure(err)
      })
    return this.connected
  }

  /** The kafkajs admin, connected: for a reader that asks the cluster more (topic-reader.ts). */
  async ready(): Promise<KafkaJsAdmin> {
    await this.connect()
    return this.admin
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    await this.connect()
    try {
      const existing = new Set(await this.admin.listTopics())
      const missing = specs.filter((spec) => !existing.has(spec.topic))
      if (missing.length === 0) return
      await this.admin
        .createTopics({
          waitForLeaders: true,
          topics: missing.map((spec) => ({
            topic: spec.topic,
            numPartitions: spec.partitions,
            replicationFactor: spec.replicationFactor,
          })),
        })
        // A broker just started may answer the wait for leaders with "does not host this
        // topic-partition" (kafkajs retries only "leader not available"): the topic exists, its leaders follow.
        .catch((err: unknown) => {
          if (!isUnknownTopic(err)) throw err
          return this.waitForLeaders(missing.map((spec) => spec.topic))
        })
    } catch (err) {
      // Another instance may have created it in between: that is success.
      if (isTopicExists(err)) return
      throw new KafkaAdapterError('TOPIC_SETUP_FAILED', 'cannot create topics', isRetriable(err), {
        cause: err,
      })
    }
  }

  /** Polls the topics' metadata until every partition has a leader (at most LEADERS_WAIT_MS). */
  private async waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + LEADERS_WAIT_MS
    for (;;) {
      const led = await this.admin.fetchTopicMetadata({ topics }).then(
        ({ topics: found }) =>
          found.length === topics.length &&
          found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
        (err: unknown) => {
          if (!isUnknownTopic(err)) throw err
          return false
        },
      )
      if (led) return
      if (Date.now() > deadline) throw new Error(`no leader for every partition of ${topics.join(', ')}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  async ping(timeoutMs: number): Promise<void> {
    await this.connect()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new KafkaAdapterError('CONNECT_FAILED', `no answer within ${timeoutMs} ms`, true)),
        timeoutMs,
      )
    })
    try {
      await Promise.race([this.admin.describeCluster(), timeout])
    } catch (err) {
      if (err instanceof KafkaAdapterError) throw err
      throw new KafkaAdapterError('CONNECT_FAILED', 'cluster metadata request failed', true, { cause: err })
    } finally {
      clearTimeout(timer)
    }
  }

  async groupProgress(groupId: string, topic: string): Promise<PartitionProgress[]> {
    await this.connect()
    try {
      const [ends, [committed]] = await Promise.all([
        this.admin.fetchTopicOffsets(topic),
        this.admin.fetchOffsets({ groupId, topics: [topic] }),
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
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect()
  }
}

/** The error a failed connection is reported as: a security failure by its kind, anything else CONNECT_FAILED. */
export function connectFailure(err: unknown): KafkaAdapterError {
  if (err instanceof KafkaAdapterError) return err
  const failure = securityFailureOf(err)
  if (failure?.kind === 'sasl') {
    return new KafkaAdapterError('AUTH_FAILED', `Kafka refused the SASL login: ${failure.detail}`, false, {
      cause: err,
    })
  }
  if (failure?.kind === 'tls') {
    return new KafkaAdapterError('TLS_FAILED', `TLS with Kafka failed: ${failure.detail}`, false, {
      cause: err,
      ...(failure.broker && { broker: failure.broker }),
    })
  }
  return new KafkaAdapterError('CONNECT_FAILED', 'cannot reach Kafka', true, { cause: err })
}

/** How long a topic just created may take to have its leaders. */
const LEADERS_WAIT_MS = 30_000

function isUnknownTopic(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'type' in err && err.type === 'UNKNOWN_TOPIC_OR_PARTITION'
}

function isTopicExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'type' in err && err.type === 'TOPIC_ALREADY_EXISTS'
}
