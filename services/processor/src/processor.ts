import type { RawEventRow, RawEventStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { createEventCodec, deadLetterRecord, schemaIdOf } from '@adpulse/events'
import type { Consumer, IncomingBatch, KafkaClient, Producer } from '@adpulse/kafka'
import type { MinuteBucket } from '@adpulse/kpi'
import type { Logger, Registry } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import type { SchemaCatalog } from '@adpulse/schema-registry'
import { addChannelSums } from './channel-metrics.ts'
import { countOnce } from './count-once.ts'
import { NO_RATES, type RateSource } from './currency-rates.ts'
import { EventIdWindow } from './event-id-window.ts'
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryUntilDone } from './insert-retry.ts'
import { type PartitionState, PartitionStates } from './partition-state.ts'
import { decodeBatch, type PoisonRecord, type PricedRecord, priceBatch } from './price-batch.ts'
import { createProcessorMetrics } from './processor-metrics.ts'

export interface ProcessorDeps {
  config: Pick<AdpulseConfig, 'kafka' | 'processor' | 'contract' | 'reportingCurrency'>
  /** Writer schemas by id: the built-in table, or the schema registry's. */
  schemas: Pick<SchemaCatalog, 'events' | 'resolve'>
  kafka: KafkaClient
  producer: Producer
  store: Pick<RawEventStore, 'insert' | 'newestOffset' | 'recentIds' | 'lastReceipts' | 'repairBuckets'>
  pricing: PricingTable
  /** Exchange rates to the reporting currency (CurrencyRates); default none: every other currency is a dead letter. */
  rates?: RateSource
  logger: Logger
  registry: Registry
  /** How a failed or slow ClickHouse write is retried; DEFAULT_RETRY_POLICY unless a test says otherwise. */
  retry?: RetryPolicy
}

/**
 * Records decoded, priced and written per insert. Smaller slices keep each one's
 * objects young (cheap to collect) and let the next slice be decoded while one is
 * written; larger ones make fewer parts. Measured in docs/benchmarks.md.
 */
const SLICE_RECORDS = 10_000

/**
 * Partitions whose batches are handled at once. More did not write faster (chDB
 * runs one insert at a time, docs/benchmarks.md) and holds more batches in memory.
 */
const PARTITIONS_CONCURRENTLY = 1

/** Compressed bytes fetched per partition: ~15,000 records of the events topic, a few slices. */
const FETCH_BYTES_PER_PARTITION = 256 * 1024

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
  const states = new PartitionStates(
    store,
    horizonMs,
    config.processor.dedupMaxIds,
    (topic, partition, events) =>
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

    // The batch is written in slices, each one insert (one part) in offset order, each
    // started only once the one before is acknowledged: after a crash the newest
    // offset written still marks everything below it as written (docs/exactly-once.md).
    // While a slice is being written, the next one is decoded and priced.
    const pending = new EventIdWindow(horizonMs)
    const seen = {
      isRepeat: (key: string, at: number) => state.ids.isRepeat(key, at) || pending.isRepeat(key, at),
    }
    const poison: PoisonRecord[] = []
    const channels = new Map<string, MinuteBucket>()
    let counted = 0
    let duplicates = 0
    let newestEventMs = Number.NEGATIVE_INFINITY
    let writing: Promise<void> = Promise.resolve()
    try {
      for (let start = 0; start < fresh.length; start += SLICE_RECORDS) {
        const slice =
          start === 0 && fresh.length <= SLICE_RECORDS ? fresh : fresh.slice(start, start + SLICE_RECORDS)
        const priced = await priceSlice(batch, slice)
        for (const p of priced.poison) poison.push(p)
        const forgotten = await recallForgotten(batch, state.ids, priced.priced, seen)
        const { rows, duplicates: repeats } = countOnce(
          priced.priced,
          forgotten === null
            ? seen
            : { isRepeat: (k, at) => seen.isRepeat(k, at) || forgotten.isRepeat(k, at) },
          horizonMs,
          batch,
        )
        duplicates += repeats
        const keys = rows.map((row) => EventIdWindow.keyOf(row.source, row.campaign_id, row.event_id))
        for (let i = 0; i < rows.length; i++)
          pending.add(keys[i] as string, (rows[i] as RawEventRow).received_at)
        for (const row of rows) if (row.occurred_at > newestEventMs) newestEventMs = row.occurred_at
        counted += rows.length
        addChannelSums(channels, rows)
        await writing
        writing = write(batch, state, rows, keys)
        // Awaited at the next slice or below; a failure of the next slice's own work must not leave it unhandled.
        writing.catch(() => undefined)
      }
    } finally {
      // Never leave a write running behind a failed batch: the partition's writes stay in order.
      await writing.catch(() => undefined)
    }
    await writing
    state.written = BigInt(last.offset)
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
      counted,
      newestEventMs,
      buckets: [...channels.values()],
      poison: poison.map((p) => p.reason),
      duplicates,
    })
  }

  /** Decodes, converts to the reporting currency and prices one slice. */
  const priceSlice = async (batch: IncomingBatch, slice: IncomingBatch['messages']) => {
    const decoded = decodeBatch(slice, codec, config.contract)
    // A rate imported since the last refresh applies at once: one re-read (rate-limited)
    // before an event is declared missing_rate. Waits out a ClickHouse failure, as a write does.
    await retryUntilDone(
      () => rates.ensure(decoded.decoded.map((d) => d.event)),
      retry,
      shutdown.signal,
      (err, attempts, delayMs) =>
        log.warn({ err, partition: batch.partition, attempts, delayMs }, 'exchange rates not read; retrying'),
    )
    return priceBatch(decoded, pricing, {
      reportingCurrency: config.reportingCurrency,
      rates: rates.current(),
    })
  }

  /** One slice as one insert, retried with the same token until it lands; then its ids join the window. */
  const write = async (
    batch: IncomingBatch,
    state: PartitionState,
    rows: readonly RawEventRow[],
    keys: readonly string[],
  ) => {
    const first = rows[0]
    const newest = rows[rows.length - 1]
    if (!first || !newest) return
    const token = `${batch.topic}/${batch.partition}/${first.offset}-${newest.offset}`
    const flushed = metrics.flushTimer()
    await retryUntilDone(
      () => store.insert(rows, token),
      retry,
      shutdown.signal,
      (err, attempts, delayMs) => {
        metrics.writeRetried()
        log.warn(
          { err, partition: batch.partition, attempts, delayMs, token },
          'ClickHouse write failed; retrying the same rows with the same token',
        )
      },
    )
    flushed()
    state.written = BigInt(newest.offset)
    for (let i = 0; i < rows.length; i++)
      state.ids.add(keys[i] as string, (rows[i] as RawEventRow).received_at)
    state.ids.prune()
  }

  /**
   * When the capped window may have forgotten some keys of these events, asks
   * events_raw once about the ones memory does not know; null when it need not.
   */
  const recallForgotten = async (
    batch: IncomingBatch,
    window: EventIdWindow,
    priced: readonly PricedRecord[],
    seen: Pick<EventIdWindow, 'isRepeat'>,
  ): Promise<EventIdWindow | null> => {
    const unknown = priced.filter(
      (e) =>
        window.mayHaveForgotten(e.received_at) &&
        !seen.isRepeat(EventIdWindow.keyOf(e.source, e.campaign_id, e.event_id), e.received_at),
    )
    if (unknown.length === 0) return null
    const found = await store.lastReceipts(
      batch.topic,
      batch.partition,
      [...new Set(unknown.map((e) => e.event_id))],
      window.forgottenSince,
    )
    metrics.dedupLookup()
    const recalled = new EventIdWindow(horizonMs)
    for (const id of found)
      recalled.add(EventIdWindow.keyOf(id.source, id.campaign_id, id.event_id), id.received_at)
    return recalled
  }

  const consumer: Consumer = await deps.kafka.consume({
    groupId: config.processor.groupId,
    topics: [config.kafka.topics.events],
    fromBeginning: true,
    sessionTimeoutMs: config.processor.sessionTimeoutMs,
    partitionsConcurrently: PARTITIONS_CONCURRENTLY,
    maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
    onBatch: handleBatch,
    onAssignment: (assignment) => {
      states.clear(assignment.reduce((n, { partitions }) => n + partitions.length, 0))
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
      JSON.stringify(
        deadLetterRecord({
          reason: record.reason,
          stage: 'processor',
          detail: record.detail,
          topic: batch.topic,
          partition: batch.partition,
          offset: record.offset,
          value_base64: message?.value?.toString('base64') ?? null,
        }),
      ),
    ),
    headers: { 'content-type': 'application/json' },
  }
}
