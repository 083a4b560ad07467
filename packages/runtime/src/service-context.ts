import {
  AlerterStateStore,
  type ClickHouseClient,
  createClickHouse,
  KpiStore,
  migrate,
  ProgressStore,
  RawEventStore,
  SignalStore,
} from '@adpulse/clickhouse'
import { type AdpulseConfig, ConfigError } from '@adpulse/config'
import type { ReadinessCheck } from '@adpulse/http'
import { createKafkaClient, type KafkaClient, type Producer } from '@adpulse/kafka'
import type { Logger, Registry } from '@adpulse/observability'
import {
  builtInCatalog,
  createSchemaRegistryClient,
  registryCatalog,
  type SchemaCatalog,
} from '@adpulse/schema-registry'
import type { FastifyInstance } from 'fastify'
import { describeRefusal } from './connection-refusals.ts'

/** What a service needs to attach itself to a running process. */
export interface ServiceContext {
  config: AdpulseConfig
  logger: Logger
  registry: Registry
  app: FastifyInstance
  kafka: KafkaClient
  producer: Producer
  /** Avro schemas by id and the ids this process writes with (built-in table, or the schema registry's). */
  schemas: SchemaCatalog
  /** Present when the process opened ClickHouse (processor, alerter). */
  clickhouse: ClickHouseStores | undefined
  /** What /readyz checks (Kafka, ClickHouse); a service adds the checks of its own work. */
  readiness: ReadinessCheck[]
}

export interface ClickHouseStores {
  client: ClickHouseClient
  kpis: KpiStore
  rawEvents: RawEventStore
  signals: SignalStore
  progress: ProgressStore
  alerterState: AlerterStateStore
}

/** A part of a process that has to be stopped on shutdown. */
export interface Stoppable {
  stop(): Promise<void>
}

export interface Infrastructure {
  kafka: KafkaClient
  producer: Producer
  schemas: SchemaCatalog
  clickhouse: ClickHouseStores | undefined
  readiness: ReadinessCheck[]
  close(): Promise<void>
}

/**
 * Connects Kafka (and ClickHouse when asked), creates the topics and applies
 * the ClickHouse migrations: everything a service needs before it takes work.
 */
export async function openInfrastructure(
  config: AdpulseConfig,
  brokers: string[],
  logger: Logger,
  withClickHouse: boolean,
): Promise<Infrastructure> {
  const { kafka, producer, schemas } = await openKafka(config, brokers, logger)
  const readiness: ReadinessCheck[] = [{ name: 'kafka', check: () => kafka.ping() }]

  let clickhouse: ClickHouseStores | undefined
  if (withClickHouse) {
    const client = await createClickHouse({ ...config.clickhouse })
    const applied = await migrate(client, config.clickhouse.database, {
      cluster: config.clickhouse.cluster,
      rawRetentionSeconds: Math.ceil(config.clickhouse.rawRetentionMs / 1000),
    })
    logger.info(
      { database: config.clickhouse.database, applied, embedded: config.clickhouse.url === undefined },
      'clickhouse ready',
    )
    clickhouse = {
      client,
      kpis: new KpiStore(client, config.clickhouse.database),
      rawEvents: new RawEventStore(client, config.clickhouse.database),
      signals: new SignalStore(client, config.clickhouse.database),
      progress: new ProgressStore(client, config.clickhouse.database),
      alerterState: new AlerterStateStore(client, config.clickhouse.database),
    }
    readiness.push({
      name: 'clickhouse',
      check: async () => {
        const result = await client.ping()
        if (!result.success) throw result.error
      },
    })
  }

  return {
    kafka,
    producer,
    schemas,
    clickhouse,
    readiness,
    async close() {
      await producer.disconnect().catch(() => undefined)
      await kafka.close()
      await clickhouse?.client.close()
    },
  }
}

/**
 * The Kafka client (with the configured SASL and TLS), the topics, the
 * producer and the schemas. Credentials or certificates refused by Kafka or the
 * registry stop the start with a ConfigError naming the variables to fix,
 * instead of a retry loop or a stack trace.
 */
async function openKafka(
  config: AdpulseConfig,
  brokers: string[],
  logger: Logger,
): Promise<{ kafka: KafkaClient; producer: Producer; schemas: SchemaCatalog }> {
  const kafka = createKafkaClient({
    brokers,
    clientId: config.kafka.clientId,
    logger,
    security: config.kafka.security,
  })
  try {
    const { topics, partitions, replicationFactor } = config.kafka
    await kafka.ensureTopics([
      ...[topics.events, topics.dlq, topics.signals, topics.audiences].map((topic) => ({
        topic,
        partitions,
        replicationFactor,
      })),
      // One partition: whoever holds it leads (services/alerter/src/leader-lease.ts).
      { topic: topics.alerterLease, partitions: 1, replicationFactor },
    ])
    const producer = await kafka.createProducer(config.kafka.producer)
    const { url, auth } = config.schemaRegistry
    const schemas = url
      ? await registryCatalog(createSchemaRegistryClient({ url, auth }), {
          events: `${topics.events}-value`,
          signals: `${topics.signals}-value`,
          audiences: `${topics.audiences}-value`,
        })
      : builtInCatalog()
    if (url) {
      logger.info(
        { registry: url, events: schemas.events.writerId, signals: schemas.signals.writerId },
        'schemas registered',
      )
    }
    return { kafka, producer, schemas }
  } catch (err) {
    await kafka.close().catch(() => undefined)
    const refusal = describeRefusal(err, config)
    throw refusal === undefined ? err : new ConfigError([refusal])
  }
}
