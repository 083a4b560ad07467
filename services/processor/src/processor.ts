import type { RawEventStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { createEventCodec, schemaIdOf } from '@adpulse/events'
import type { Consumer, IncomingBatch, KafkaClient, Producer } from '@adpulse/kafka'
import { aggregateMinuteBuckets } from '@adpulse/kpi'
import type { Logger, Registry } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import type { SchemaCatalog } from '@adpulse/schema-registry'
import { countOnce } from './count-once.ts'
import { NO_RATES, type RateSource } from './currency-rates.ts'
import { EventIdWindow } from './event-id-window.ts'
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryUntilDone } from './insert-retry.ts'
import { PartitionStates } from './partition-state.ts'
import { decodeBatch, type PoisonRecord, priceDecoded } from './price-batch.ts'
import { createProcessorMetrics } from './processor-metrics.ts'

export interface ProcessorDeps {
  config: Pick<AdpulseConfig, 'kafka' | 'processor' | 'ingest' | 'reportingCurrency'>
  /** Writer schemas by id: the built-in table, or the schema registry's. */
  schemas: Pick<SchemaCatalog, 'events' | 'resolve'>
  kafka: KafkaClient
  producer: Producer
  store: Pick<RawEventStore, 'insert' | 'newestOffset' | 'recentIds' | 'repairBuckets'>
  pricing: PricingTable
  /** Exchange rates to the reporting currency (CurrencyRates); default none: every other currency is a dead letter. */
  rates?: RateSource
  logger: Logger
  registry: Registry
  /** How a failed or slow ClickHouse write is retried; DEFAULT_RETRY_POLICY unless a test says otherwise. */
  retry?: RetryPolicy
}

export interface RunningProcessor {
  stop(): Promise<void>
}

/**
 * Consumes the events topic: decode → convert → price → drop repeats → events_raw, and
 * only then commit. Exactly once (docs/exactly-once.md): a batch is one insert,
 * one part, with its offsets in the rows; on its first batch of a partition the
 * processor reads the newest offset written and skips every record at or below
 * it, so a replay after a crash writes nothing twice whatever its boundaries.
 */
export async function startProcessor(deps: ProcessorDeps): Promise<RunningProcessor> {
  const { config, store, pricing } = deps
  const rates = deps.rates ?? NO_RATES
  const log = deps.logger.child({ component: 'processor' })
  const codec = createEventCodec(deps.schemas.events)
  const metrics = createProcessorMetrics(deps.registry, config.processor.metricsMaxChannels)
  const horizonMs = config.processor.dedupHorizonMs
  const states = new PartitionStates(store, horizonMs, (topic, partition, events) =>
    log.warn(
      { topic, partition, events },
      'events written to events_raw without their minute buckets (a process stopped between the two) re-summarised',
    ),
  )
  const retry = deps.retry ?? DEFAULT_RETRY_POLICY
  const shutdown = new AbortController()

  const handleBatch = async (batch: IncomingBatch) => {
    metrics.fetched(batch)
    const last = batch.messages[batch.messages.length - 1]
    if (!last) return
    const state = await states.of(batch.topic, batch.partition)
    const written = state.written
    // Already in ClickHouse (a replay after a crash or a lost commit): skipped, never written twice.
    const fresh = written === null ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) > written)
    if (fresh.length < batch.messages.length) {
      log.info(
        {
          partition: batch.partition,
          skipped: batch.messages.length - fresh.length,
          written: String(written),
        },
        'records already in ClickHouse skipped',
      )
    }
    // Learn writer schemas this process has not seen (registry mode) before decoding;
    // an unknown id then decodes as poison, a registry that does not answer fails the batch.
    const writerIds = new Set(fresh.map((m) => (m.value ? schemaIdOf(m.value) : null)))
    writerIds.delete(null)
    await Promise.all([...writerIds].map((id) => deps.schemas.resolve(id as number)))
    const { decoded, poison: undecodable } = decodeBatch(fresh, codec, config.ingest)
    // A rate imported since the last refresh applies at once: one re-read (rate-limited)
    // before an event is declared missing_rate. Waits out a ClickHouse failure, as a write does.
    await retryUntilDone(
      () => rates.ensure(decoded.map((d) => d.event)),
      retry,
      shutdown.signal,
      (err, attempts, delayMs) =>
        log.warn({ err, partition: batch.partition, attempts, delayMs }, 'exchange rates not read; retrying'),
    )
    const converted = priceDecoded(decoded, pricing, {
      reportingCurrency: config.reportingCurrency,
      rates: rates.current(),
    })
    const priced = converted.priced
    const poison = [...undecodable, ...converted.poison]
    const { rows, duplicates } = countOnce(priced, state.ids, horizonMs, batch)
    const first = rows[0]
    const newest = rows[rows.length - 1]
    if (first && newest) {
      const token = `${batch.topic}/${batch.partition}/${first.offset}-${newest.offset}`
      const flushed = metrics.flushTimer()
      await retryUntilDone(
        () => store.insert(rows, token),
        retry,
        shutdown.signal,
        (err, attempts, delayMs) =>
          log.warn(
            { err, partition: batch.partition, attempts, delayMs, token },
            'ClickHouse write failed; retrying the same rows with the same token',
          ),
      )
      flushed()
    }
    state.written = BigInt(last.offset)
    for (const row of rows) {
      state.ids.add(EventIdWindow.keyOf(row.source, row.campaign_id, row.event_id), row.received_at)
    }
    state.ids.prune()
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
    metrics.written(batch, {
      counted: rows,
      buckets: aggregateMinuteBuckets(rows),
      poison: poison.map((p) => p.reason),
      duplicates,
    })
  }

  const consumer: Consumer = await deps.kafka.consume({
    groupId: config.processor.groupId,
    topics: [config.kafka.topics.events],
    fromBeginning: true,
    sessionTimeoutMs: config.processor.sessionTimeoutMs,
    onBatch: handleBatch,
    onAssignment: (assignment) => {
      states.clear()
      metrics.assigned(assignment)
    },
  })
  log.info({ topic: config.kafka.topics.events, group: config.processor.groupId }, 'processor consuming')
  return {
    async stop() {
      shutdown.abort()
      await consumer.stop()
    },
  }
}

function poisonLetter(record: PoisonRecord, batch: IncomingBatch) {
  const message = batch.messages.find((m) => m.offset === record.offset)
  return {
    key: `${batch.topic}/${batch.partition}`,
    value: Buffer.from(
      JSON.stringify({
        reason: record.reason,
        stage: 'processor',
        detail: record.detail,
        topic: batch.topic,
        partition: batch.partition,
        offset: record.offset,
        value_base64: message?.value?.toString('base64') ?? null,
      }),
    ),
    headers: { 'content-type': 'application/json' },
  }
}
