import { describe, expect, it } from 'vitest'
import { type EventReceipt, PartitionDedup } from './partition-dedup.ts'

const HOUR = 3_600_000
const receipt = (event_id: string, received_at: number, campaign_id = 'c1', source = 's'): EventReceipt => ({
  source,
  campaign_id,
  event_id,
  received_at,
})
const ids = (rows: readonly EventReceipt[]) => rows.map((r) => r.event_id)
const nothingStored = async () => []

describe('PartitionDedup', () => {
  it('drops repeats within the events and of ids counted before', async () => {
    const dedup = new PartitionDedup(HOUR, Number.POSITIVE_INFINITY, nothingStored)
    dedup.load([receipt('e0', 0)], true)
    const { rows, duplicates } = await dedup.filterRepeats([
      receipt('e0', 10),
      receipt('e1', 10),
      receipt('e1', 20),
      receipt('e2', 20),
    ])
    expect(ids(rows)).toEqual(['e1', 'e2'])
    expect(duplicates).toBe(2)
  })

  it('tells ids apart by source and campaign', async () => {
    const dedup = new PartitionDedup(HOUR, Number.POSITIVE_INFINITY, nothingStored)
    dedup.load([receipt('e1', 0)], true)
    const { rows } = await dedup.filterRepeats([
      receipt('e1', 1),
      receipt('e1', 1, 'c2'),
      receipt('e1', 1, 'c1', 'other'),
    ])
    expect(rows.map((r) => [r.source, r.campaign_id])).toEqual([
      ['s', 'c2'],
      ['other', 'c1'],
    ])
  })

  it('holds kept ids pending until written, across batches, and counts them once acknowledged', async () => {
    const dedup = new PartitionDedup(HOUR, Number.POSITIVE_INFINITY, nothingStored)
    const first = (await dedup.filterRepeats([receipt('e1', 0)])).rows
    expect(ids(first)).toEqual(['e1'])
    // A later slice (of this batch or the next, while e1 is written): e1 is pending, not yet acknowledged, and still a repeat.
    expect((await dedup.filterRepeats([receipt('e1', 1)])).duplicates).toBe(1)
    expect(dedup.size).toBe(0)
    dedup.markWritten(first)
    expect(dedup.size).toBe(1)
    expect((await dedup.filterRepeats([receipt('e1', 3)])).duplicates).toBe(1)
  })

  it('keeps a later receipt of an id pending when an earlier one, past the horizon, is written', async () => {
    const dedup = new PartitionDedup(HOUR, Number.POSITIVE_INFINITY, nothingStored)
    const early = (await dedup.filterRepeats([receipt('e1', 0)])).rows
    // Beyond the horizon: another event with the same id, kept and pending too.
    const late = (await dedup.filterRepeats([receipt('e1', HOUR + 1)])).rows
    expect(ids(late)).toEqual(['e1'])
    dedup.markWritten(early)
    // The late one is still pending: its repeat is dropped though it is not written yet.
    expect((await dedup.filterRepeats([receipt('e1', HOUR + 2)])).duplicates).toBe(1)
  })

  it('forgets no pending id for the cap, only counted ones once written', async () => {
    const dedup = new PartitionDedup(HOUR, 2, nothingStored)
    const first = (await dedup.filterRepeats([receipt('a', 1), receipt('b', 2), receipt('c', 3)])).rows
    const second = (await dedup.filterRepeats([receipt('d', 4)])).rows
    dedup.prune()
    // Four ids pending beyond a cap of two: none forgotten, all still repeats.
    expect((await dedup.filterRepeats(['a', 'b', 'c', 'd'].map((id) => receipt(id, 5)))).duplicates).toBe(4)
    dedup.markWritten(first)
    // Written: a and b (the oldest) beyond the cap; d, pending, stays.
    expect(dedup.size).toBe(2)
    expect(ids((await dedup.filterRepeats([receipt('d', 6)])).rows)).toEqual([])
    dedup.markWritten(second)
    expect(dedup.size).toBe(2)
  })

  it('asks storage once about ids the capped window may have forgotten, matching source and campaign', async () => {
    const asked: [readonly string[], number][] = []
    const stored = [receipt('old', 5), receipt('old2', 6, 'c9')]
    const dedup = new PartitionDedup(HOUR, 2, async (eventIds, since) => {
      asked.push([eventIds, since])
      return stored.filter((r) => eventIds.includes(r.event_id))
    })
    // Only the newest two were loaded: older ids of the horizon may exist.
    dedup.load([receipt('a', 10), receipt('b', 20)], false)
    const { rows, duplicates } = await dedup.filterRepeats([
      receipt('a', 30),
      receipt('old', 30),
      receipt('old2', 30),
      receipt('new', 30),
    ])
    expect(ids(rows)).toEqual(['old2', 'new'])
    expect(duplicates).toBe(2)
    // One query for the ids memory did not know, since the forgotten ones' horizon.
    expect(asked).toEqual([[['old', 'old2', 'new'], 20 - HOUR]])
  })

  it('asks storage nothing when the window forgot nothing', async () => {
    let asked = 0
    const dedup = new PartitionDedup(HOUR, 10, async () => {
      asked++
      return []
    })
    dedup.load([receipt('a', 10)], true)
    await dedup.filterRepeats([receipt('b', 20)])
    expect(asked).toBe(0)
  })
})
