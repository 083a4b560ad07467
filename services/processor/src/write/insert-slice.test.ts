import { PartitionFencedError, type PreparedInsert, type RawEventRow } from '@adpulse/clickhouse'
import type { IncomingBatch } from '@adpulse/kafka'
import { Registry } from '@adpulse/observability'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { PartitionDedup } from '../dedup/partition-dedup.ts'
import { type PartitionState, PartitionsRevokedError } from '../partition-state.ts'
import { createProcessorMetrics } from '../processor-metrics.ts'
import type { PricedRecord } from '../steps/price.ts'
import { createSliceInserter } from './insert-slice.ts'
import { WriteHealth } from './write-health.ts'

const HOUR = 3_600_000
const POLICY = { attemptTimeoutMs: 1000, initialDelayMs: 1, maxDelayMs: 4, permanentDelayMs: 5 }
const BATCH = { topic: 'events', partition: 3, highWatermark: '10', messages: [] } as unknown as IncomingBatch

/** As @clickhouse/client (or chDB through it) throws a refusal: `code` the number, `type` the name. */
const clickHouseError = (code: string, type: string, message: string) =>
  Object.assign(new Error(message), { code, type })
const diskFull = () =>
  clickHouseError('243', 'NOT_ENOUGH_SPACE', 'Cannot reserve 1.00 MiB, not enough space. ')
const connectionReset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })

const priced = (offset: number, event_id: string): PricedRecord => ({
  offset: String(offset),
  event_id,
  source: 's',
  ad_id: null,
  click_id: null,
  user_id: null,
  action: null,
  currency: 'USD',
  original_currency: 'USD',
  original_cost_micros: 1000n,
  original_value_micros: 0n,
  received_at: 1000 + offset,
  type: 'click',
  occurred_at: 900 + offset,
  channel: 'search',
  campaign_id: 'c1',
  cost_micros: 1000n,
  value_micros: 0n,
})

/** A store whose insert fails with `failure()` while `failing` says so, and records what landed and what was released. */
function faultyStore(failure: () => Error) {
  const store = {
    failing: true,
    calls: 0,
    released: 0,
    landed: [] as { rows: readonly RawEventRow[]; token: string; writer: string | undefined }[],
    prepare: (rows: readonly RawEventRow[], writer?: string) =>
      ({ topic: 'events', partition: 3, columns: [], rows, writer }) as PreparedInsert & {
        rows: readonly RawEventRow[]
        writer?: string
      },
    async insertPrepared(prepared: PreparedInsert, token: string) {
      store.calls++
      if (store.failing) throw failure()
      const { rows, writer } = prepared as ReturnType<typeof store.prepare>
      store.landed.push({ rows, token, writer })
    },
    release() {
      store.released++
    },
  }
  return store
}

function setUp(failure: () => Error) {
  const store = faultyStore(failure)
  const lines: Record<string, unknown>[] = []
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) })
  const registry = new Registry()
  const health = new WriteHealth()
  const insert = createSliceInserter({
    store,
    retry: POLICY,
    signal: new AbortController().signal,
    metrics: createProcessorMetrics(registry, 10),
    health,
    log,
  })
  const state: PartitionState = {
    written: null,
    dedup: new PartitionDedup(HOUR, Number.POSITIVE_INFINITY, async () => []),
    writer: 'w1',
    revoked: new AbortController().signal,
    lastWrite: Promise.resolve(),
  }
  const counter = async (name: string, labels: Record<string, string> = {}) =>
    (await registry.getSingleMetric(name)?.get())?.values.find((v) =>
      Object.entries(labels).every(([k, value]) => v.labels[k] === value),
    )?.value ?? 0
  const logged = (level: number) => lines.filter((l) => l.level === level)
  return { store, health, insert, state, counter, logged }
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 2))
  expect(done()).toBe(true)
}

describe('createSliceInserter', () => {
  it('on a permanent refusal: logs once, counts it, fails readiness, advances nothing, and resumes when fixed', async () => {
    const { store, health, insert, state, counter, logged } = setUp(diskFull)
    let settled = false
    // Held by dedup first, as the batch handler does: written, their ids count.
    const { rows } = await state.dedup.filterRepeats([priced(4, 'e4'), priced(5, 'e5')])
    const writing = insert(BATCH, state, rows)
      .write()
      .finally(() => {
        settled = true
      })
    await until(() => store.calls >= 4)

    expect(settled).toBe(false)
    expect(state.written).toBeNull()
    expect(logged(50)).toHaveLength(1)
    expect(logged(50)[0]).toMatchObject({ code: 'NOT_ENOUGH_SPACE', partition: 3, token: 'events/3/4-5' })
    expect(
      await counter('adpulse_processor_clickhouse_errors_total', { kind: 'permanent' }),
    ).toBeGreaterThanOrEqual(4)
    expect(await counter('adpulse_processor_clickhouse_retries_total')).toBe(0)
    await expect(health.readiness.check()).rejects.toThrow(/NOT_ENOUGH_SPACE \(events\/3\)/)

    // An operator frees the disk: the same rows land with the same token, and the partition moves on.
    store.failing = false
    await writing
    expect(store.landed).toHaveLength(1)
    expect(store.landed[0]?.token).toBe('events/3/4-5')
    expect(state.written).toBe(5n)
    expect(state.dedup.size).toBe(2)
    await expect(health.readiness.check()).resolves.toBeUndefined()
    expect(logged(50)).toHaveLength(1)
    expect(logged(30).map((l) => l.msg)).toContain('ClickHouse accepts the writes again')
  })

  it('retries a transient failure with backoff until it lands, without touching readiness', async () => {
    const { store, health, insert, state, counter, logged } = setUp(connectionReset)
    const writing = insert(BATCH, state, [priced(7, 'e7')]).write()
    await until(() => store.calls >= 2)
    await expect(health.readiness.check()).resolves.toBeUndefined()
    store.failing = false
    await writing
    expect(state.written).toBe(7n)
    const failures = store.calls - 1
    expect(await counter('adpulse_processor_clickhouse_retries_total')).toBe(failures)
    expect(await counter('adpulse_processor_clickhouse_errors_total', { kind: 'retriable' })).toBe(failures)
    expect(logged(40)).toHaveLength(failures)
    expect(logged(50)).toHaveLength(0)
  })

  it('encodes again in each attempt when encoding ahead failed (a full temporary directory), through the retries', async () => {
    const { store, insert, state, counter } = setUp(connectionReset)
    store.failing = false
    let failures = 2
    const prepare = store.prepare
    store.prepare = (rows, writer) => {
      if (failures-- > 0)
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
      return prepare(rows, writer)
    }
    const { rows } = await state.dedup.filterRepeats([priced(7, 'e7')])
    await insert(BATCH, state, rows).write()
    expect(store.landed.map((l) => l.token)).toEqual(['events/3/7-7'])
    expect(state.written).toBe(7n)
    expect(state.dedup.size).toBe(1)
    expect(await counter('adpulse_processor_clickhouse_errors_total')).toBe(1)
  })

  it("writes under the partition's claim; once another processor claimed it, stops at the first refusal", async () => {
    const { store, insert, state, counter } = setUp(() => new PartitionFencedError('events', 3))
    await expect(insert(BATCH, state, [priced(4, 'e4')]).write()).rejects.toBeInstanceOf(PartitionFencedError)
    expect(store.calls).toBe(1)
    expect(state.written).toBeNull()
    expect(state.dedup.size).toBe(0)
    expect(await counter('adpulse_processor_clickhouse_retries_total')).toBe(0)
    store.failing = false
    await insert(BATCH, state, [priced(4, 'e4')]).write()
    expect(store.landed[0]?.writer).toBe('w1')
  })

  it('starts no attempt once the partition was revoked (a rebalance), and advances nothing', async () => {
    const { store, insert, state } = setUp(connectionReset)
    const assignment = new AbortController()
    assignment.abort(new PartitionsRevokedError())
    store.failing = false
    await expect(
      insert(BATCH, { ...state, revoked: assignment.signal }, [priced(4, 'e4')]).write(),
    ).rejects.toBeInstanceOf(PartitionsRevokedError)
    expect(store.calls).toBe(0)
    expect(state.written).toBeNull()
  })
})
