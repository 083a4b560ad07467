import { type AttributionStore, PartitionFencedError, type RawEventStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import type { KafkaClient } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import { repeatEvery } from '@adpulse/runtime'
import type { PartitionState, PartitionStates } from '../partition-state.ts'
import type { RetryPolicy } from '../write/insert-retry.ts'
import { Attributor } from './attributor.ts'
import type { PartitionQueue } from './partition-queue.ts'
import { Settlement } from './settlement.ts'

/** How often an owner looks at its partitions' waiting conversions between batches. */
export const RESOLVE_INTERVAL_MS = 2000

export interface AttributionLoopDeps {
  config: Pick<AdpulseConfig, 'kafka' | 'processor'> & Partial<Pick<AdpulseConfig, 'ingest'>>
  store: Pick<AttributionStore, 'clicks' | 'waiting' | 'newestResolution'>
  raw: Pick<RawEventStore, 'insert'>
  kafka: Pick<KafkaClient, 'groupProgress'>
  pricing: PricingTable
  retry: RetryPolicy
  signal: AbortSignal
  log: Logger
  /**
   * How long after its receipt a click may still reach the broker (settlement.ts):
   * default ingest's ADPULSE_INGEST_REQUEST_TIMEOUT, past which it answers 503
   * rather than 202 and the sender sends again.
   */
  produceSlackMs?: number | undefined
}

export interface AttributionLoop {
  attributor: Attributor
  /** Resolves a partition's waiting conversions after one of its batches (already serialized by the caller). */
  afterBatch(topic: string, partition: number, state: PartitionState): Promise<void>
  stop(): Promise<void>
}

/**
 * Attribution in the processor: the Attributor, and a timer that resolves the
 * waiting conversions of the partitions this processor owns, each serialized
 * with the partition's batches through `queue`.
 */
export function startAttributionLoop(
  deps: AttributionLoopDeps,
  states: PartitionStates,
  queue: PartitionQueue,
): AttributionLoop {
  const { config, log } = deps
  const settlement = new Settlement(
    deps.kafka,
    config.processor.groupId,
    config.kafka.topics.events,
    deps.produceSlackMs ?? config.ingest?.requestTimeoutMs,
  )
  const attributor = new Attributor({
    store: deps.store,
    raw: deps.raw,
    pricing: deps.pricing,
    rule: { windowMs: config.processor.attributionWindowMs, waitMs: config.processor.attributionWaitMs },
    settledThrough: () => settlement.settledThrough(),
    retry: deps.retry,
    signal: deps.signal,
    log,
  })
  const resolve = async (topic: string, partition: number, state: PartitionState) => {
    // The partition's last insert may still run (its batch returned before it ended): inserts stay one at a time.
    // Had it failed, the state is being dropped: the next owner's state resolves.
    if (
      !(await state.lastWrite.then(
        () => true,
        () => false,
      ))
    )
      return
    try {
      const resolved = await attributor.resolve(topic, partition, state)
      if (resolved > 0) log.debug({ partition, resolved }, 'waiting conversions resolved')
    } catch (err) {
      // Another processor claimed the partition: it resolves them now. Anything else: the next look tries again.
      if (err instanceof PartitionFencedError) states.forget(topic, partition)
      if (!deps.signal.aborted && !state.revoked.aborted)
        log.warn({ err, partition }, 'attribution not resolved')
    }
  }
  const timer = repeatEvery(
    RESOLVE_INTERVAL_MS,
    () =>
      Promise.all(
        states
          .owned()
          .map(({ topic, partition, state }) =>
            queue.run(`${topic}/${partition}`, () => resolve(topic, partition, state)),
          ),
      ),
    (err) => log.warn({ err }, 'attribution not resolved'),
  )
  return { attributor, afterBatch: resolve, stop: () => timer.stop() }
}
