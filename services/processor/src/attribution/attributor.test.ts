import type { ClickRow, RawEventRow, WaitingRow } from '@adpulse/clickhouse'
import { createLogger } from '@adpulse/observability'
import { describe, expect, it } from 'vitest'
import { PartitionDedup } from '../dedup/partition-dedup.ts'
import type { PartitionState } from '../partition-state.ts'
import { Attributor } from './attributor.ts'

const WAIT = 60_000
const T = Date.UTC(2026, 10, 22, 12)

const waitingRow = (offset: number, clickId: string): WaitingRow => ({
  event_id: `v${offset}`,
  source: 's',
  occurred_at: T,
  received_at: T,
  click_id: clickId,
  user_id: null,
  action: 'purchase',
  channel: '',
  campaign_id: '',
  ad_id: null,
  cost_micros: 0n,
  value_micros: 5n,
  currency: 'USD',
  original_currency: 'USD',
  original_cost_micros: null,
  original_value_micros: 5n,
  offset: String(offset),
})
const click: ClickRow = {
  event_id: 'k',
  click_id: 'k-1',
  occurred_at: T - 1000,
  received_at: T + 1000,
  channel: 'search',
  campaign_id: 'camp-1',
  ad_id: 'ad-1',
}

/** events_raw in memory: the waiting rows not resolved yet, the inserts, and a switch that fails the next insert after it lands. */
function rig() {
  const inserted: Array<{ rows: RawEventRow[]; token: string }> = []
  const waiting = new Map<string, WaitingRow>()
  const clicks: ClickRow[] = []
  let settled = 0
  let failAfterLanding = false
  const attributor = new Attributor({
    store: {
      clicks: async (ids) => clicks.filter((c) => ids.includes(c.click_id)),
      waiting: async () => [...waiting.values()],
      newestResolution: async () =>
        Math.max(0, ...inserted.flatMap((i) => i.rows.map((r) => r.resolution ?? 0))),
    },
    raw: {
      insert: async (rows, token) => {
        inserted.push({ rows: [...rows], token })
        for (const row of rows) waiting.delete(row.offset)
        if (failAfterLanding) {
          failAfterLanding = false
          // Landed, but the attempt ends without its answer and is not retried (as a shutdown would end it).
          throw Object.assign(new Error('the answer was lost'), { stopsRetries: true })
        }
      },
    },
    pricing: { channels: new Map(), campaigns: new Map() },
    rule: { windowMs: 86_400_000, waitMs: WAIT },
    settledThrough: async () => settled,
    retry: { attemptTimeoutMs: 1000, initialDelayMs: 1, maxDelayMs: 1 },
    signal: new AbortController().signal,
    log: createLogger('attributor-unit', { level: 'silent' }),
  })
  const state: PartitionState = {
    written: null,
    dedup: new PartitionDedup(1000, 1000, async () => []),
    writer: 'w',
    revoked: new AbortController().signal,
    lastWrite: Promise.resolve(),
  }
  return {
    attributor,
    state,
    inserted,
    wait: (row: WaitingRow) => waiting.set(row.offset, row),
    addClick: (c: ClickRow) => clicks.push(c),
    settle: (at: number) => {
      settled = at
    },
    failNextAfterLanding: () => {
      failAfterLanding = true
    },
  }
}

describe('Attributor.resolve', () => {
  it('credits a click written since, declares the rest unattributed only once settled, numbering each insert', async () => {
    const r = rig()
    r.wait(waitingRow(1, 'k-1'))
    r.wait(waitingRow(2, 'k-none'))
    expect(await r.attributor.resolve('t', 0, r.state)).toBe(0)
    r.addClick(click)
    expect(await r.attributor.resolve('t', 0, r.state)).toBe(1)
    expect(r.inserted[0]?.rows).toMatchObject([
      {
        event_id: 'v1',
        channel: 'search',
        campaign_id: 'camp-1',
        attribution: 'click',
        resolution: 1,
        offset: '1',
      },
    ])
    r.settle(T + WAIT - 1)
    expect(await r.attributor.resolve('t', 0, r.state)).toBe(0)
    r.settle(T + WAIT)
    expect(await r.attributor.resolve('t', 0, r.state)).toBe(1)
    expect(r.inserted[1]).toMatchObject({
      token: 'resolve/t/0/2/2-2',
      rows: [
        { channel: 'unattributed', campaign_id: 'unattributed', attribution: 'unattributed', resolution: 2 },
      ],
    })
  })

  it('reads the next number again after an insert whose answer was lost, so no two inserts share one', async () => {
    const r = rig()
    r.settle(T + WAIT)
    r.wait(waitingRow(1, 'k-none'))
    r.failNextAfterLanding()
    await expect(r.attributor.resolve('t', 0, r.state)).rejects.toThrow()
    r.wait(waitingRow(2, 'k-none'))
    expect(await r.attributor.resolve('t', 0, r.state)).toBe(1)
    expect(r.inserted.map((i) => [i.rows[0]?.offset, i.rows[0]?.resolution])).toEqual([
      ['1', 1],
      ['2', 2],
    ])
  })
})
