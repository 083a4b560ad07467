import type { BucketSource, KpiStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { createEventCodec } from '@adpulse/events'
import type { Consumer, IncomingBatch, KafkaClient, Producer } from '@adpulse/kafka'
import { aggregateMinuteBuckets } from '@adpulse/kpi'
import type { Logger } from '@adpulse/observability'
import { Counter, Histogram, type Registry } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import { type PoisonRecord, priceBatch } from './price-batch.ts'

export interface ProcessorDeps {
  config: Pick<AdpulseConfig, 'kafka' | 'processor'>
  kafka: KafkaClient
  producer: Producer
  store: KpiStore
  pricing: PricingTable
  logger: Logger
  registry: Registry
}

export interface RunningProcessor {
  stop(): Promise<void>
}

/**
 * Consumes the events topic: decode → price → minute buckets → ClickHouse, and
 * only then commit. A batch that fails to write is not committed and comes again;
 * the insert's deduplication token (its offset range) makes that replay a no-op.
 */
export async function startProcessor(deps: ProcessorDeps): Promise<RunningProcessor> {
  const { config, store, pricing } = deps
  const log = deps.logger.child({ component: 'processor' })
  const codec = createEventCodec()
  const processed = new Counter({
    name: 'adpulse_processor_events_total',
    help: 'Records of the events topic handled, by outcome (counted, poison).',
    labelNames: ['outcome'],
    registers: [deps.registry],
  })
  const flushSeconds = new Histogram({
    name: 'adpulse_processor_flush_duration_seconds',
    help: 'Time to write one batch of minute buckets to ClickHouse.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [deps.registry],
  })

  const handleBatch = async (batch: IncomingBatch) => {
    const { priced, poison } = priceBatch(batch.messages, codec, pricing)
    const first = batch.messages[0]
    const last = batch.messages[batch.messages.length - 1]
    if (!first || !last) return
    const source: BucketSource = {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: first.offset,
      lastOffset: last.offset,
    }
    const started = process.hrtime.bigint()
    await store.insertBuckets(aggregateMinuteBuckets(priced), source)
    flushSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9)
    if (poison.length > 0) {
      await deps.producer.send(
        config.kafka.topics.dlq,
        poison.map((p) => poisonLetter(p, batch)),
      )
      log.warn(
        { partition: batch.partition, poison: poison.length },
        'poison records sent to the dead-letter topic',
      )
    }
    processed.inc({ outcome: 'counted' }, priced.length)
    processed.inc({ outcome: 'poison' }, poison.length)
  }

  const consumer: Consumer = await deps.kafka.consume({
    groupId: config.processor.groupId,
    topics: [config.kafka.topics.events],
    fromBeginning: true,
    onBatch: handleBatch,
  })
  log.info({ topic: config.kafka.topics.events, group: config.processor.groupId }, 'processor consuming')
  return { stop: () => consumer.stop() }
}

function poisonLetter(record: PoisonRecord, batch: IncomingBatch) {
  const message = batch.messages.find((m) => m.offset === record.offset)
  return {
    key: `${batch.topic}/${batch.partition}`,
    value: Buffer.from(
      JSON.stringify({
        reason: 'poison_record',
        stage: 'processor',
        detail: record.reason,
        topic: batch.topic,
        partition: batch.partition,
        offset: record.offset,
        value_base64: message?.value?.toString('base64') ?? null,
      }),
    ),
    headers: { 'content-type': 'application/json' },
  }
}
