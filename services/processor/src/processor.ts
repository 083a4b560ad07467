import type { AttributionStore, RawEventStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { createEventCodec } from '@adpulse/events'
import type { ReadinessCheck } from '@adpulse/http'
import type { BatchInFlight, Consumer, IncomingBatch, KafkaClient, Producer } from '@adpulse/kafka'
import type { Logger, Registry } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import type { SchemaCatalog } from '@adpulse/schema-registry'
import { type AttributionLoop, startAttributionLoop } from './attribution/attribution-loop.ts'
import { PartitionQueue } from './attribution/partition-queue.ts'
import { createBatchHandler } from './batch-handler.ts'
import { NO_RATES, type RateSource } from './currency-rates.ts'
import { PartitionStates } from './partition-state.ts'
import { createProcessorMetrics, type ProcessorMetrics } from './processor-metrics.ts'
import { createSlicePricer } from './steps/price-slice.ts'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './write/insert-retry.ts'
import { createSliceInserter } from './write/insert-slice.ts'
import { WriteHealth } from './write/write-health.ts'

export interface ProcessorDeps {
  config: Pick<AdpulseConfig, 'kafka' | 'processor' | 'contract' | 'reportingCurrency'> &
    Partial<Pick<AdpulseConfig, 'ingest'>>
  /** Writer schemas by id: the built-in table, or the schema registry's. */
  schemas: Pick<SchemaCatalog, 'events' | 'resolve'>
  kafka: KafkaClient
  producer: Producer
  store: Pick<
    RawEventStore,
    | 'insert'
    | 'prepare'
    | 'insertPrepared'
    | 'release'
    | 'claimPartition'
    | 'newestOffset'
    | 'recentIds'
    | 'lastReceipts'
    | 'repairBuckets'
  >
  pricing: PricingTable
  /** Exchange rates to the reporting currency (CurrencyRates); default none: every other currency is a dead letter. */
  rates?: RateSource
  logger: Logger
  registry: Registry
  /** How a failed or slow ClickHouse write is retried; DEFAULT_RETRY_POLICY unless a test says otherwise. */
  retry?: RetryPolicy
  /**
   * Clicks and waiting conversions (docs/attribution.md): the service always
   * gives it; omitted (tests of other concerns), conversions are counted as they came.
   */
  attribution?: Pick<AttributionStore, 'clicks' | 'waiting' | 'newestResolution'>
  /** How long after its receipt a click may still reach the broker (attribution/settlement.ts); tests shorten it. */
  produceSlackMs?: number
  /** How much is fetched and inserted at once; DEFAULT_BATCHING unless a benchmark measures another. */
  batching?: Partial<Batching>
}

/**
 * Records per insert. chDB pays its per-insert cost (a part, the views' parts)
 * once per slice, so larger slices write faster; a slice's priced records live
 * until its insert is acknowledged, so they also cost heap. 32,768 wrote about
 * as fast as 65,536 here with less heap (docs/benchmarks.md, Larger inserts).
 */
export const SLICE_RECORDS = 32_768

/**
 * Partitions whose batches are handled at once. More did not write faster (chDB
 * runs one insert at a time, docs/benchmarks.md) and holds more batches in memory.
 */
const PARTITIONS_CONCURRENTLY = 1

/**
 * Compressed bytes fetched per partition, and per fetch over all partitions:
 * ~60,000 records of the events topic, two slices. kafkajs fetches every
 * assigned partition at once and hands the batches over one after the other,
 * so without the total a fetch holds this much of every partition.
 */
const FETCH_BYTES_PER_PARTITION = 1024 * 1024
const FETCH_BYTES = FETCH_BYTES_PER_PARTITION

/** How much the processor fetches and inserts at once (docs/benchmarks.md, Processor). */
export interface Batching {
  /** Records per insert (SLICE_RECORDS). */
  sliceRecords: number
  /** Compressed bytes fetched per partition (kafkajs maxBytesPerPartition). */
  fetchBytesPerPartition: number
  /** Compressed bytes of one fetch over all partitions (kafkajs maxBytes); undefined: kafkajs's 10 MiB. */
  fetchBytes?: number
}

export const DEFAULT_BATCHING: Batching = {
  sliceRecords: SLICE_RECORDS,
  fetchBytesPerPartition: FETCH_BYTES_PER_PARTITION,
  fetchBytes: FETCH_BYTES,
}

export interface RunningProcessor {
  /** For /readyz: fails while ClickHouse refuses the processor's writes for good (a full disk, a missing column). */
  readiness: ReadinessCheck
  stop(): Promise<void>
}

/** What the processor keeps per partition (written offset, dedup window), logging repairs and counting recalls. */
function partitionStates(deps: ProcessorDeps, log: Logger, metrics: ProcessorMetrics): PartitionStates {
  return new PartitionStates({
    store: deps.store,
    horizonMs: deps.config.processor.dedupHorizonMs,
    maxIds: deps.config.processor.dedupMaxIds,
    onRepaired: (topic, partition, events) =>
      log.warn(
        { topic, partition, events },
        'events written to events_raw without their minute buckets (a process stopped between the two) re-summarised',
      ),
    onRecall: () => metrics.dedupLookup(),
  })
}

/** Joins the processors' group on the events topic; the partition states follow its assignments. */
function consumeEvents(
  deps: ProcessorDeps,
  batching: Batching,
  states: PartitionStates,
  metrics: ProcessorMetrics,
  onBatch: (batch: IncomingBatch) => Promise<BatchInFlight | undefined>,
): Promise<Consumer> {
  const { config } = deps
  return deps.kafka.consume({
    groupId: config.processor.groupId,
    topics: [config.kafka.topics.events],
    fromBeginning: true,
    sessionTimeoutMs: config.processor.sessionTimeoutMs,
    partitionsConcurrently: PARTITIONS_CONCURRENTLY,
    maxBytesPerPartition: batching.fetchBytesPerPartition,
    maxBytes: batching.fetchBytes,
    onBatch,
    onAssignment: (assignment) => {
      states.clear(assignment.reduce((n, { partitions }) => n + partitions.length, 0))
      metrics.assigned(assignment)
    },
    // A rebalance began: the partitions may be leaving, so the writes in progress stop before they do.
    onRevoke: () => states.revoke(),
  })
}

/**
 * Consumes the events topic: decode → convert → price → drop repeats → events_raw, and
 * only then commit. Exactly once (docs/exactly-once.md): a batch is one insert,
 * one part, with its offsets in the rows; on its first batch of a partition the
 * processor reads the newest offset written and skips every record at or below
 * it, so a replay after a crash writes nothing twice whatever its boundaries.
 */
export async function startProcessor(deps: ProcessorDeps): Promise<RunningProcessor> {
  const { config, store } = deps
  const log = deps.logger.child({ component: 'processor' })
  const codec = createEventCodec(deps.schemas.events)
  const metrics = createProcessorMetrics(deps.registry, config.processor.metricsMaxChannels)
  const states = partitionStates(deps, log, metrics)
  const retry = deps.retry ?? DEFAULT_RETRY_POLICY
  const shutdown = new AbortController()
  const health = new WriteHealth()
  const price = slicePricer(deps, retry, shutdown.signal, log)
  const insertSlice = createSliceInserter({ store, retry, signal: shutdown.signal, metrics, health, log })
  const queue = new PartitionQueue()
  const batching = { ...DEFAULT_BATCHING, ...deps.batching }
  const attribution = attributionLoop(deps, states, queue, retry, shutdown.signal, log)
  const handleBatch = createBatchHandler({
    config,
    schemas: deps.schemas,
    producer: deps.producer,
    codec,
    price,
    insertSlice,
    states,
    queue,
    metrics,
    attribution,
    sliceRecords: batching.sliceRecords,
    log,
  })

  const consumer = await consumeEvents(deps, batching, states, metrics, handleBatch)
  log.info({ topic: config.kafka.topics.events, group: config.processor.groupId }, 'processor consuming')
  return {
    readiness: health.readiness,
    async stop() {
      shutdown.abort()
      await attribution?.stop()
      await consumer.stop()
    },
  }
}

/** Attribution, when the deps give its store (attribution/attribution-loop.ts). */
function attributionLoop(
  deps: ProcessorDeps,
  states: PartitionStates,
  queue: PartitionQueue,
  retry: RetryPolicy,
  signal: AbortSignal,
  log: Logger,
): AttributionLoop | undefined {
  if (!deps.attribution) return undefined
  return startAttributionLoop(
    {
      config: deps.config,
      store: deps.attribution,
      raw: deps.store,
      kafka: deps.kafka,
      pricing: deps.pricing,
      retry,
      signal,
      log,
      produceSlackMs: deps.produceSlackMs,
    },
    states,
    queue,
  )
}

/** Converts and prices a slice with the deps' pricing and rates (steps/price-slice.ts). */
function slicePricer(deps: ProcessorDeps, retry: RetryPolicy, signal: AbortSignal, log: Logger) {
  const { pricing, config } = deps
  return createSlicePricer({
    pricing,
    rates: deps.rates ?? NO_RATES,
    reportingCurrency: config.reportingCurrency,
    retry,
    signal,
    log,
  })
}
