import { PartitionFencedError } from '@adpulse/clickhouse'
import type { AdEvent, FramedCodec } from '@adpulse/events'
import type { BatchInFlight, IncomingBatch, Producer } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import type { SchemaCatalog } from '@adpulse/schema-registry'
import type { AttributionLoop } from './attribution/attribution-loop.ts'
import type { BatchClicks } from './attribution/attributor.ts'
import type { PartitionQueue } from './attribution/partition-queue.ts'
import { BatchTally } from './batch-tally.ts'
import type { PartitionState, PartitionStates } from './partition-state.ts'
import type { ProcessorDeps } from './processor.ts'
import type { ProcessorMetrics } from './processor-metrics.ts'
import { sendDeadLetters } from './steps/dead-letters.ts'
import { decodeBatch, learnWriterSchemas } from './steps/decode.ts'
import type { PricedRecord } from './steps/price.ts'
import type { SlicePricer } from './steps/price-slice.ts'
import { skipWritten } from './steps/skip-written.ts'
import type { SliceInserter } from './write/insert-slice.ts'
import { chunksOf, OrderedSliceWriter } from './write/ordered-slices.ts'

/**
 * Records decoded, priced and deduplicated at a time, to be gathered into a
 * slice: a chunk's decoded events and their conversions die young (cheap to
 * collect) whatever the size of the insert.
 */
const DECODE_RECORDS = 8_192

export interface BatchHandlerDeps {
  config: ProcessorDeps['config']
  schemas: Pick<SchemaCatalog, 'events' | 'resolve'>
  producer: Producer
  codec: FramedCodec<AdEvent>
  price: SlicePricer
  insertSlice: SliceInserter
  states: PartitionStates
  /** A partition's batches and its resolutions of waiting conversions, one at a time. */
  queue: PartitionQueue
  metrics: ProcessorMetrics
  attribution: AttributionLoop | undefined
  /** Records per insert. */
  sliceRecords: number
  log: Logger
}

/**
 * One fetched batch of a partition: decode → convert and price → drop repeats →
 * dead letters → write, slice by slice (the next slice priced while one is
 * written). A slice's dead letters are acknowledged by Kafka before its insert
 * starts, so no written offset passes a dead letter not yet on the topic. It
 * returns once its last insert is under way, so the partition's next batch is
 * fetched and decoded meanwhile (its first insert waits for this one); the
 * returned `written` resolves when the whole batch is in ClickHouse and on the
 * dead-letter topic, and its offsets may be committed.
 */
export function createBatchHandler(
  deps: BatchHandlerDeps,
): (batch: IncomingBatch) => Promise<BatchInFlight | undefined> {
  const { config, codec, price, insertSlice, states, queue, metrics, attribution, log } = deps
  /** Per partition, the clicks of the batch whose last insert may still be running. */
  const unwrittenClicks = new WeakMap<PartitionState, BatchClicks>()

  const handlePartitionBatch = async (batch: IncomingBatch): Promise<BatchInFlight | undefined> => {
    metrics.fetched(batch)
    const last = batch.messages[batch.messages.length - 1]
    if (!last) return undefined
    const state = await states.of(batch.topic, batch.partition)
    const fresh = skipWritten(batch, state.written, log)
    await learnWriterSchemas(fresh, deps.schemas)
    // The records leave `fresh` as they are decoded (chunksOf), so a large fetch is not held whole
    // until its end; the batch keeps its last record for the metrics of its end.
    batch.messages = [last]
    const tally = new BatchTally()
    const writer = new OrderedSliceWriter(
      (rows: readonly PricedRecord[]) => insertSlice(batch, state, rows),
      state.lastWrite,
    )
    // The batch before's clicks may still be being written: its conversions' clicks are matched from them too.
    const earlierClicks = unwrittenClicks.get(state)
    const batchClicks: BatchClicks = new Map()
    let slice: PricedRecord[] = []
    let inserts = 0
    try {
      for (const { records, endsSlice } of chunksOf(fresh, deps.sliceRecords, DECODE_RECORDS)) {
        if (state.revoked.aborted) break
        const priced = await price(batch, decodeBatch(records, codec, config.contract))
        const { rows, duplicates } = await state.dedup.filterRepeats(priced.priced)
        tally.add(priced.poison, rows, duplicates)
        // Acknowledged before the insert of the slice these records join starts (sent while the
        // slice before is written): it carries offsets past them, and a new owner skips all at or below its newest.
        await sendDeadLetters(deps.producer, config.kafka.topics.dlq, batch, records, priced.poison, log)
        const credited = attribution
          ? await attribution.attributor.creditSlice(rows, batchClicks, state, earlierClicks)
          : rows
        for (const row of credited) slice.push(row)
        if (!endsSlice) continue
        await writer.start(slice)
        inserts++
        slice = []
      }
    } catch (err) {
      // Nothing of this batch is committed. The inserts in flight end first; then the partition's
      // state is loaded again from events_raw (the ids this batch kept were never acknowledged).
      await writer.drain()
      states.forget(batch.topic, batch.partition, state)
      throw err
    }
    state.lastWrite = writer.finish()
    // Every insert before this batch's first is acknowledged now: only this batch's clicks may be unwritten.
    if (inserts > 0) unwrittenClicks.set(state, batchClicks)
    return { written: finishBatch(deps, batch, state, writer, BigInt(last.offset), tally) }
  }

  return (batch) => queue.run(`${batch.topic}/${batch.partition}`, () => handlePartitionBatch(batch))
}

/** After a batch's last insert: its offsets are written, its ids counted, its waiting conversions looked at. */
async function finishBatch(
  { states, queue, metrics, attribution, log }: BatchHandlerDeps,
  batch: IncomingBatch,
  state: PartitionState,
  writer: OrderedSliceWriter<PricedRecord>,
  lastOffset: bigint,
  tally: BatchTally,
): Promise<void> {
  try {
    await writer.finish()
    state.revoked.throwIfAborted()
  } catch (err) {
    // Another processor claimed the partition (this one stalled past a rebalance), or it is
    // leaving: nothing more of it is written here; its next batch, if it comes, claims it again.
    if (err instanceof PartitionFencedError) log.warn({ partition: batch.partition }, err.message)
    states.forget(batch.topic, batch.partition, state)
    throw err
  }
  // The records after the last slice's newest row (repeats, dead letters) are done too.
  if (state.written === null || lastOffset > state.written) state.written = lastOffset
  state.dedup.prune()
  metrics.written(batch, tally.summary())
  if (attribution) {
    await queue.run(`${batch.topic}/${batch.partition}`, () =>
      attribution.afterBatch(batch.topic, batch.partition, state),
    )
  }
}
