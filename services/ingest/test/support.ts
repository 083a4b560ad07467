import { loadConfig } from '@adpulse/config'
import { createHttpServer } from '@adpulse/http'
import type { OutgoingMessage, Producer, TopicMessages } from '@adpulse/kafka'
import { createLogger, createRegistry, type Registry } from '@adpulse/observability'
import { aRawEvent, TEST_NOW } from '@adpulse/testkit'
import type { FastifyInstance } from 'fastify'
import { type IngestDeps, type IngestRoutes, registerIngestRoutes } from '../src/ingest-routes.ts'

/**
 * Test support for the ingest handler without a broker: a Producer that
 * records what would reach Kafka (our own interface, so what it records is
 * exactly what the handler hands to Kafka). Integration tests use the real broker.
 */
export interface RecordingProducer extends Producer {
  sent: TopicMessages[]
  /** Messages sent to one topic, in order. */
  messagesOf(topic: string): OutgoingMessage[]
  /** The next produce calls fail with this error (until set back to null). */
  failWith: Error | null
}

export function recordingProducer(): RecordingProducer {
  const producer: RecordingProducer = {
    sent: [],
    failWith: null,
    messagesOf: (topic) => producer.sent.filter((p) => p.topic === topic).flatMap((p) => p.messages),
    async send(topic, messages) {
      await producer.sendBatch([{ topic, messages }])
    },
    async sendBatch(batch) {
      if (producer.failWith) throw producer.failWith
      for (const part of batch) if (part.messages.length > 0) producer.sent.push(part)
    },
    async disconnect() {},
  }
  return producer
}

export const TEST_KEY = 'test-key-0123456789'
export const NOW = TEST_NOW

export interface TestIngest {
  app: FastifyInstance
  producer: RecordingProducer
  ingest: IngestRoutes
  registry: Registry
  topics: { events: string; dlq: string }
  close(): Promise<void>
}

/** The ingest routes on the shared HTTP shell, configured from env-style overrides, clock fixed at NOW. */
export async function startTestIngest(
  env: Record<string, string> = {},
  deps: Pick<IngestDeps, 'preparer'> = {},
): Promise<TestIngest> {
  const config = loadConfig({ ADPULSE_INGEST_KEYS: `partner-a:${TEST_KEY}`, ...env })
  const logger = createLogger('ingest-test', { level: 'silent' })
  const registry = createRegistry('ingest-test')
  const producer = recordingProducer()
  const app = createHttpServer({
    logger,
    registry,
    readiness: [],
    bodyLimitBytes: config.ingest.maxBodyBytes,
    readKeys: config.readApi.keys,
  })
  const ingest = await registerIngestRoutes(app, {
    config,
    producer,
    logger,
    registry,
    now: () => NOW,
    keyWatchIntervalMs: 50,
    ...deps,
  })
  await app.ready()
  return {
    app,
    producer,
    ingest,
    registry,
    topics: { events: config.kafka.topics.events, dlq: config.kafka.topics.dlq },
    async close() {
      await app.close()
      await ingest.stop()
    },
  }
}

/** A valid click as a sender posts it, at NOW - 1s on campaign camp-1 (testkit's aRawEvent). */
export const click = (id: string, extra: Record<string, unknown> = {}) =>
  aRawEvent({ event_id: id, ...extra }, NOW)
