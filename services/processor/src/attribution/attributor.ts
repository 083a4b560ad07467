import {
  type AttributionStore,
  isRetriableClickHouseError,
  type RawEventStore,
  type WaitingRow,
} from '@adpulse/clickhouse'
import type { Logger } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import type { PartitionState } from '../partition-state.ts'
import type { PricedRecord } from '../steps/price.ts'
import { type RetryPolicy, retryUntilDone } from '../write/insert-retry.ts'
import { toRawEventRow } from '../write/raw-event-row.ts'
import { type AttributionRule, type Click, creditOf } from './click-match.ts'
import { creditRow, waitingRecord } from './credit-rows.ts'

export interface AttributorDeps {
  store: Pick<AttributionStore, 'clicks' | 'waiting' | 'newestResolution'>
  raw: Pick<RawEventStore, 'insert'>
  pricing: PricingTable
  rule: AttributionRule
  /** Receipt time through which every click is written (settlement.ts). */
  settledThrough: () => Promise<number>
  retry: RetryPolicy
  signal: AbortSignal
  log: Logger
}

/** The clicks of one batch, by click_id: matched before the lookup, being written with the conversions. */
export type BatchClicks = Map<string, Click[]>
const NO_CLICKS: BatchClicks = new Map()

/** What attribution keeps per partition owner (forgotten with its PartitionState). */
interface OwnerState {
  /** Whether conversions may be waiting: checked at the first look of an owner. */
  waiting: boolean
  /** The number of the next resolving insert, read from events_raw at first use. */
  nextResolution: number | undefined
}

/**
 * Credits conversions with a click_id (docs/attribution.md). In the stream, a
 * slice's conversions are matched against the batch's clicks and clicks_by_id:
 * credited at once, or written as waiting (not in the buckets). Later, the
 * partition's owner resolves the waiting ones, one insert at a time under its
 * claim, each row at the conversion's own offset (so the written offset, the
 * progress, is untouched) and numbered (`resolution`, for the buckets' repair).
 */
export class Attributor {
  private readonly owners = new WeakMap<PartitionState, OwnerState>()

  constructor(private readonly deps: AttributorDeps) {}

  /**
   * A slice's rows with their conversions credited or waiting; its clicks join
   * `batchClicks` first. `earlierClicks`: the batch before's, whose last insert may still be running.
   */
  async creditSlice(
    rows: readonly PricedRecord[],
    batchClicks: BatchClicks,
    state: PartitionState,
    earlierClicks?: BatchClicks,
  ): Promise<readonly PricedRecord[]> {
    for (const row of rows) {
      if (row.type === 'click' && row.click_id) add(batchClicks, clickOf(row))
    }
    const pending = rows.filter((r) => r.type === 'conversion' && r.click_id)
    if (pending.length === 0) return rows
    const known = await this.clicksOf(
      pending.map((r) => r.click_id as string),
      state,
    )
    for (const unwritten of [batchClicks, earlierClicks ?? NO_CLICKS]) {
      for (const clicks of unwritten.values()) for (const click of clicks) add(known, click)
    }
    let waiting = false
    const credited = rows.map((row) => {
      if (row.type !== 'conversion' || !row.click_id) return row
      const conversion = { ...row, click_id: row.click_id }
      const credit = creditOf(
        conversion,
        known.get(row.click_id) ?? [],
        this.deps.rule,
        Number.NEGATIVE_INFINITY,
      )
      if (credit.kind === 'waiting') waiting = true
      return creditRow(row, credit, this.deps.pricing)
    })
    if (waiting) this.ownerOf(state).waiting = true
    return credited
  }

  /**
   * Resolves the partition's waiting conversions that can be: credited to a
   * click written since, or unattributed once every click of their wait is
   * written. One insert, numbered, under the partition's claim; its token names
   * the number and offsets, so a retry that had landed is a no-op. Run only
   * serialized with the partition's batches (PartitionQueue). Returns how many.
   */
  async resolve(topic: string, partition: number, state: PartitionState): Promise<number> {
    const owner = this.ownerOf(state)
    if (!owner.waiting || state.revoked.aborted) return 0
    const waiting = await this.deps.store.waiting(topic, partition)
    if (waiting.length === 0) {
      owner.waiting = false
      return 0
    }
    const [settled, known] = await Promise.all([
      this.deps.settledThrough(),
      this.clicksOf(
        waiting.map((w) => w.click_id),
        state,
      ),
    ])
    const decided = resolutions(waiting, known, this.deps, settled)
    if (decided.length === 0) return 0
    owner.nextResolution ??= (await this.deps.store.newestResolution(topic, partition)) + 1
    const resolution = owner.nextResolution
    const rows = decided.map((row) => toRawEventRow({ ...row, resolution }, { topic, partition }))
    const token = `resolve/${topic}/${partition}/${resolution}/${rows[0]?.offset}-${rows[rows.length - 1]?.offset}`
    try {
      await retryUntilDone(
        () => this.deps.raw.insert(rows, token, state.writer),
        this.deps.retry,
        AbortSignal.any([this.deps.signal, state.revoked]),
        (err, attempts, delayMs) =>
          this.deps.log.warn(
            { err, partition, attempts, delayMs, token },
            'attribution not written; retrying',
          ),
        isRetriableClickHouseError,
      )
    } catch (err) {
      // It may have landed unanswered: the next number is read again, so no two inserts share one (the repair relies on it).
      owner.nextResolution = undefined
      throw err
    }
    owner.nextResolution = resolution + 1
    if (decided.length === waiting.length) owner.waiting = false
    return decided.length
  }

  private ownerOf(state: PartitionState): OwnerState {
    let owner = this.owners.get(state)
    if (!owner) {
      owner = { waiting: true, nextResolution: undefined }
      this.owners.set(state, owner)
    }
    return owner
  }

  /** The written clicks of these click_ids (clicks_by_id), read again while ClickHouse fails. */
  private async clicksOf(clickIds: readonly string[], state: PartitionState): Promise<Map<string, Click[]>> {
    const byId = new Map<string, Click[]>()
    await retryUntilDone(
      async () => {
        byId.clear()
        for (const click of await this.deps.store.clicks([...new Set(clickIds)])) add(byId, click)
      },
      this.deps.retry,
      AbortSignal.any([this.deps.signal, state.revoked]),
      (err, attempts, delayMs) => this.deps.log.warn({ err, attempts, delayMs }, 'clicks not read; retrying'),
    )
    return byId
  }
}

/** The waiting conversions that can be decided now, as their resolving rows. */
function resolutions(
  waiting: readonly WaitingRow[],
  known: ReadonlyMap<string, Click[]>,
  deps: Pick<AttributorDeps, 'rule' | 'pricing'>,
  settled: number,
): PricedRecord[] {
  const decided: PricedRecord[] = []
  for (const w of waiting) {
    const credit = creditOf(w, known.get(w.click_id) ?? [], deps.rule, settled)
    if (credit.kind !== 'waiting') decided.push(creditRow(waitingRecord(w), credit, deps.pricing))
  }
  return decided
}

function add(byId: Map<string, Click[]>, click: Click): void {
  const clicks = byId.get(click.click_id)
  if (clicks) clicks.push(click)
  else byId.set(click.click_id, [click])
}

const clickOf = (row: PricedRecord): Click => ({
  event_id: row.event_id,
  click_id: row.click_id as string,
  occurred_at: row.occurred_at,
  received_at: row.received_at,
  channel: row.channel,
  campaign_id: row.campaign_id,
  ad_id: row.ad_id,
})
