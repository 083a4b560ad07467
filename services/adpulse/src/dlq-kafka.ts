import type { AdpulseConfig } from '@adpulse/config'
import { createKafkaClient, KafkaAdapterError, type KafkaClient } from '@adpulse/kafka'
import { ensureLocalKafka } from '@adpulse/local-kafka'
import { createLogger } from '@adpulse/observability'
import { describeRefusal } from '@adpulse/runtime'
import {
  builtInCatalog,
  createSchemaRegistryClient,
  registryCatalog,
  type SchemaCatalog,
} from '@adpulse/schema-registry'
import { pino } from 'pino'

export interface DlqKafka {
  kafka: KafkaClient
  /** The brokers, for messages. */
  brokers: string
  close(): Promise<void>
}

/**
 * The configured brokers; without KAFKA_BROKERS, the local broker `adpulse
 * start` uses (reused when it runs, else started on its data directory for the
 * command and stopped afterwards).
 */
export async function openDlqKafka(config: AdpulseConfig): Promise<DlqKafka> {
  const local = config.kafka.brokers === undefined ? await ensureLocalKafka() : undefined
  const brokers = config.kafka.brokers ?? local?.brokers ?? []
  // kafkajs logs the errors it retries (a group coordinator not ready yet) as errors; the command
  // reports what failed in the end itself, so only fatal ones reach stderr (never stdout, the report).
  const logger = createLogger('adpulse-dlq', { level: 'fatal', destination: pino.destination(2) })
  const kafka = createKafkaClient({
    brokers,
    clientId: `${config.kafka.clientId}-dlq`,
    logger,
    security: config.kafka.security,
  })
  return {
    kafka,
    brokers: brokers.join(','),
    async close() {
      await kafka.close()
      await local?.stop()
    },
  }
}

/** The schemas the pipeline writes and reads with: the built-in table, or the schema registry's. */
export function eventSchemas(config: AdpulseConfig): Promise<SchemaCatalog> | SchemaCatalog {
  const { url, auth } = config.schemaRegistry
  if (!url) return builtInCatalog()
  return registryCatalog(createSchemaRegistryClient({ url, auth }), {
    events: `${config.kafka.topics.events}-value`,
    signals: `${config.kafka.topics.signals}-value`,
    audiences: `${config.kafka.topics.audiences}-value`,
  })
}

/** A Kafka failure in one line, with advice where there is some. */
export function describeKafkaFailure(err: unknown, config: AdpulseConfig, brokers: string): string {
  const refusal = describeRefusal(err, config)
  if (refusal !== undefined) return `${refusal} (on ${brokers})`
  if (err instanceof KafkaAdapterError && err.code === 'UNKNOWN_TOPIC') {
    return (
      `${err.message} on ${brokers}: the pipeline creates its topics when it first starts ` +
      '(ADPULSE_TOPIC_DLQ, ADPULSE_TOPIC_EVENTS name them)'
    )
  }
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
  return `Kafka on ${brokers} (KAFKA_BROKERS${config.kafka.brokers ? '' : ' unset: the local broker'}): ${
    err instanceof Error ? err.message : String(err)
  }${cause}`
}
