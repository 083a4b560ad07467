import { describe, expect, it } from 'vitest'
import { nextProgress } from './progress-reporter.ts'

describe('nextProgress', () => {
  const previous = new Map([
    [0, 1_000],
    [1, 2_000],
  ])

  it('moves a caught-up partition to the observation instant, keeps a lagging one where it was', () => {
    const rows = nextProgress(
      [
        { partition: 0, highWatermark: 10n, committedOffset: 10n },
        { partition: 1, highWatermark: 10n, committedOffset: 7n },
        { partition: 2, highWatermark: 0n, committedOffset: -1n },
        { partition: 3, highWatermark: 5n, committedOffset: -1n },
      ],
      previous,
      'events',
      9_000,
    )
    expect(rows.map((r) => [r.partition, r.completeThrough])).toEqual([
      [0, 9_000], // caught up
      [1, 2_000], // behind: its last caught-up instant
      [2, 9_000], // empty, never committed: nothing to wait for
      [3, 0], // records, nothing committed yet, never caught up
    ])
    expect(rows[1]).toEqual({
      topic: 'events',
      partition: 1,
      committedOffset: 7n,
      highWatermark: 10n,
      completeThrough: 2_000,
      updatedAt: 9_000,
    })
  })
})
