import type { BucketSource, KpiStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { createEventCodec, schemaIdOf } from '@adpulse/events'
import type { Consumer, IncomingBatch, KafkaClient, Producer } from '@adpulse/kafka'
import { aggregateMinuteBuckets } from '@adpulse/kpi'
import type { Logger, Registry } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import type { SchemaCatalog } from '@adpulse/schema-registry'
import { type PoisonRecord, priceBatch } from './price-batch.ts'
import { createProcessorMetrics } from './processor-metrics.ts'

export interface ProcessorDeps {
  config: Pick<AdpulseConfig, 'kafka' | 'processor'>
  /** Writer schemas by id: the built-in table, or the schema registry's. */
  schemas: Pick<SchemaCatalog, 'events' | 'resolve'>
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
  const codec = createEventCodec(deps.schemas.events)
  const metrics = createProcessorMetrics(deps.registry, config.processor.metricsMaxChannels)

  const handleBatch = async (batch: IncomingBatch) => {
    metrics.fetched(batch)
    // Learn writer schemas this process has not seen (registry mode) before decoding;
    // an unknown id then decodes as poison, a registry that does not answer fails the batch.
    const writerIds = new Set(batch.messages.map((m) => (m.value ? schemaIdOf(m.value) : null)))
    writerIds.delete(null)
    await Promise.all([...writerIds].map((id) => deps.schemas.resolve(id as number)))
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
    const buckets = aggregateMinuteBuckets(priced)
    const flushed = metrics.flushTimer()
    await store.insertBuckets(buckets, source)
    flushed()
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
    metrics.written(batch, { priced, buckets, poison: poison.length })
  }

  const consumer: Consumer = await deps.kafka.consume({
    groupId: config.processor.groupId,
    topics: [config.kafka.topics.events],
    fromBeginning: true,
    onBatch: handleBatch,
    onAssignment: metrics.assigned,
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
