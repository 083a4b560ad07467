import { type ClickHouseClient, createClickHouse, migrate, RawEventStore } from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'
import { type AdEvent, createEventCodec, eventKeyOf } from '@adpulse/events'
import { createKafkaClient, type KafkaClient, type Producer } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import { builtInCatalog } from '@adpulse/schema-registry'
import { testClickHouse, testEnvironment, uniqueName } from '@adpulse/testkit'
import { inject } from 'vitest'
import { type ProcessorDeps, type RunningProcessor, startProcessor } from '../src/processor.ts'

/**
 * What the processor's integration tests share: one test's own topics, group
 * and ClickHouse database on the run's real broker and chDB, a producer that
 * writes events as ingest does (Avro, keyed by campaign), an optional reader of
 * the dead-letter topic, and processors started on all of it and stopped at close.
 */

export const logger = createLogger('processor-it', { level: 'silent' })
export const catalog = builtInCatalog()
export const codec = createEventCodec(catalog.events)
export const NO_PRICING = { channels: new Map(), campaigns: new Map() }
/** Quick retries, so a test of a failing write does not wait on production back-off. */
const TEST_RETRY = { attemptTimeoutMs: 5000, initialDelayMs: 10, maxDelayMs: 100 }

export interface RigOptions {
  /** Partitions of the events and dead-letter topics (and ADPULSE_EVENTS_PARTITIONS); default 2. */
  partitions?: number
  /** More environment, as the processor's config reads it. */
  env?: Record<string, string>
  /** Reads the dead-letter topic from open() on into `letters`; default false. */
  readDeadLetters?: boolean
}

/** What a test gives to start a processor; the rest comes from the rig (no pricing, quick retries). */
export type StartOptions = Pick<ProcessorDeps, 'registry'> & Partial<ProcessorDeps>

export type ProcessorRig = ReturnType<typeof processorRig>

type InsertParams = Parameters<ClickHouseClient['insert']>[0]

/**
 * The real client with its insert replaced by `insert`, which decides how each
 * insert fails and may call the real one: faults injected into real ClickHouse
 * (a mock would not show what chDB answers).
 */
export function withInsert(
  client: ClickHouseClient,
  insert: (params: InsertParams, real: ClickHouseClient) => Promise<unknown>,
): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'insert') return (params: InsertParams) => insert(params, target)
      const value: unknown = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

export function processorRig(prefix: string, options: RigOptions = {}) {
  const { partitions = 2, env = {}, readDeadLetters = false } = options
  const id = uniqueName(prefix)
  const config = loadConfig(testEnvironment(id, { ADPULSE_EVENTS_PARTITIONS: String(partitions), ...env }))
  const topic = config.kafka.topics.events
  let kafka: KafkaClient
  let producer: Producer
  let client: ClickHouseClient
  const letters: Array<Record<string, unknown>> = []
  const stops: Array<() => Promise<void> | void> = []
  return {
    id,
    config,
    topic,
    /** The dead letters read so far (with readDeadLetters), parsed. */
    letters,
    get kafka() {
      return kafka
    },
    get producer() {
      return producer
    },
    get client() {
      return client
    },
    /** Runs `stop` at close, before the clients close; the last registered runs first. */
    onClose(stop: () => Promise<void> | void) {
      stops.push(stop)
    },
    async open() {
      kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: id, logger })
      await kafka.ensureTopics(
        [topic, config.kafka.topics.dlq].map((t) => ({ topic: t, partitions, replicationFactor: 1 })),
      )
      producer = await kafka.createProducer()
      client = await createClickHouse(testClickHouse())
      await migrate(client, config.clickhouse.database)
      if (!readDeadLetters) return
      const reader = await kafka.consume({
        groupId: `${id}-dlq-reader`,
        topics: [config.kafka.topics.dlq],
        fromBeginning: true,
        onBatch: async (batch) => {
          for (const m of batch.messages) if (m.value) letters.push(JSON.parse(m.value.toString()))
        },
      })
      stops.push(() => reader.stop())
    },
    async close() {
      // Some were stopped by the test already; stopping twice must not fail the cleanup.
      for (const stop of stops.reverse()) await Promise.allSettled([stop()])
      await producer?.disconnect()
      await kafka?.close()
      await client?.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` })
      await client?.close()
    },
    /** Produces events as ingest does: Avro with the built-in schema, keyed by campaign. */
    send: (events: AdEvent[]) =>
      producer.send(
        topic,
        events.map((e) => ({ key: eventKeyOf(e), value: codec.encode(e) })),
      ),
    /** Starts a processor on the rig's config, broker and database; close() stops it. */
    async start(deps: StartOptions): Promise<RunningProcessor> {
      const running = await startProcessor({
        config,
        schemas: catalog,
        kafka,
        producer,
        store: new RawEventStore(client, config.clickhouse.database),
        pricing: NO_PRICING,
        logger,
        retry: TEST_RETRY,
        ...deps,
      })
      stops.push(() => running.stop())
      return running
    },
  }
}
