import type { EnvReader } from './env-reader.ts'
import { type KafkaSecurityConfig, readKafkaSecurity } from './kafka-security-config.ts'

export interface KafkaTopics {
  /** `ADPULSE_TOPIC_EVENTS`, default `adpulse.events.v1`: accepted events, Avro, keyed by campaign_id. */
  events: string
  /** `ADPULSE_TOPIC_DLQ`, default `adpulse.events.dlq.v1`: rejected input with its reason, keyed by source. */
  dlq: string
  /** `ADPULSE_TOPIC_SIGNALS`, default `adpulse.signals.v1`: CUT/SCALE signals, Avro, keyed by entity. */
  signals: string
  /**
   * `ADPULSE_TOPIC_AUDIENCES`, default `adpulse.audiences.v1`: audience membership
   * changes (joined, left), Avro, keyed by audience and user.
   */
  audiences: string
  /**
   * `ADPULSE_TOPIC_ALERTER_LEASE`, default `adpulse.alerter.lease.v1`: one partition, no
   * records; the alerter instance the group assigns it to is the one that publishes.
   */
  alerterLease: string
}

export interface KafkaConfig {
  /**
   * `KAFKA_BROKERS`, comma-separated host:port. Unset: the all-in-one entry
   * starts the project's local broker (deploy/local/kafka.sh) and stops it on
   * exit. Required when NODE_ENV=production, where a local broker is never started.
   */
  brokers: string[] | undefined
  /** `KAFKA_CLIENT_ID`, default `adpulse`. */
  clientId: string
  topics: KafkaTopics
  /** `ADPULSE_EVENTS_PARTITIONS`, default 3: partitions of the topics adpulse creates (the unit of processor scale-out). */
  partitions: number
  /** `ADPULSE_REPLICATION_FACTOR`, default 1: use 3 on a production cluster, with min.insync.replicas=2. */
  replicationFactor: number
  producer: ProducerConfig
  /** SASL and TLS of every connection adpulse makes to the brokers (kafka-security-config.ts). */
  security: KafkaSecurityConfig
}

export interface ProducerConfig {
  /**
   * `KAFKA_COMPRESSION`, default `gzip` (built into kafkajs): codec of every
   * record batch; `lz4` and `zstd` (packages/kafka codecs.ts) cost less CPU for
   * about the same size; `none` trades bandwidth and broker disk for CPU.
   */
  compression: 'gzip' | 'lz4' | 'zstd' | 'none'
  /**
   * `KAFKA_PRODUCE_RETRIES`, default 5: attempts after the first before a send
   * fails. Bounded on purpose: a request has a deadline, and a failed send
   * replaces the idempotent producer (new producer id), so no sequence state is reused.
   */
  retries: number
  /**
   * `KAFKA_LINGER`, default 2ms: how long the first message of a batch waits for
   * others, so concurrent requests share one produce call. Bounded by maxBatchBytes.
   */
  lingerMs: number
  /**
   * `KAFKA_MAX_BATCH_BYTES`, default 1 MiB (uncompressed): the most one produce call
   * carries. Keep the compressed share of one partition under the broker's
   * message.max.bytes (1 MB by default).
   */
  maxBatchBytes: number
}

export function readKafka(r: EnvReader, production: boolean): KafkaConfig {
  return {
    brokers: readBrokers(r, production),
    clientId: r.string('KAFKA_CLIENT_ID', 'adpulse'),
    topics: {
      events: r.string('ADPULSE_TOPIC_EVENTS', 'adpulse.events.v1'),
      dlq: r.string('ADPULSE_TOPIC_DLQ', 'adpulse.events.dlq.v1'),
      signals: r.string('ADPULSE_TOPIC_SIGNALS', 'adpulse.signals.v1'),
      audiences: r.string('ADPULSE_TOPIC_AUDIENCES', 'adpulse.audiences.v1'),
      alerterLease: r.string('ADPULSE_TOPIC_ALERTER_LEASE', 'adpulse.alerter.lease.v1'),
    },
    partitions: r.int('ADPULSE_EVENTS_PARTITIONS', 3, { min: 1, max: 10_000 }),
    replicationFactor: r.int('ADPULSE_REPLICATION_FACTOR', 1, { min: 1, max: 10 }),
    producer: {
      compression: r.oneOf('KAFKA_COMPRESSION', ['gzip', 'lz4', 'zstd', 'none'] as const, 'gzip'),
      retries: r.int('KAFKA_PRODUCE_RETRIES', 5, { min: 1, max: 100 }),
      lingerMs: r.durationMs('KAFKA_LINGER', 2),
      maxBatchBytes: r.int('KAFKA_MAX_BATCH_BYTES', 1024 * 1024, { min: 1024 }),
    },
    security: readKafkaSecurity(r),
  }
}

/**
 * Unset is the development default (a local broker started by the process);
 * in production that would be a single unreplicated broker on the service's
 * own disk, so a missing KAFKA_BROKERS stops the start instead.
 */
function readBrokers(r: EnvReader, production: boolean): string[] | undefined {
  const brokers = r.list('KAFKA_BROKERS')
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d+$/.test(broker))
      r.fail(`KAFKA_BROKERS: expected host:port, got ${JSON.stringify(broker)}`)
  }
  if (production && brokers.length === 0) {
    r.fail(
      'KAFKA_BROKERS: required when NODE_ENV=production (comma-separated host:port); the local broker is for development only',
    )
  }
  return brokers.length > 0 ? brokers : undefined
}
