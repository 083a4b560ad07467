import { describe, expect, it } from 'vitest'
import { latencySummary, queryTable, referenceTable, roundRatios } from './query-report.ts'

describe('the query benchmark report', () => {
  it('summarises latencies by nearest rank', () => {
    const ms = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(latencySummary(ms)).toEqual({ n: 100, p50: 50, p99: 99 })
    expect(latencySummary([7])).toEqual({ n: 1, p50: 7, p99: 7 })
  })

  it('gives product/bare per round and marks a target missed', () => {
    const product = {
      rounds: [
        [10, 20],
        [30, 40],
      ],
    }
    const bare = {
      rounds: [
        [5, 10],
        [30, 40],
      ],
    }
    expect(roundRatios(product, bare, 0.5)).toEqual([2, 1])
    const table = queryTable([
      { name: 'fast', product: { rounds: [[10, 12]] }, bare: { rounds: [[8, 9]] } },
      { name: 'slow', product: { rounds: [[600, 700]] }, bare: { rounds: [[500, 600]] } },
      { name: 'far', product: { rounds: [[30, 40]] }, bare: { rounds: [[10, 10]] } },
    ])
    const rows = table.split('\n').slice(2)
    expect(rows[0]).toMatch(
      /^\| fast \| 2 \| 10\.0 \/ 12\.0 \| 8\.0 \/ 9\.0 \| — \| 1\.25 \| 1\.33 \| met \|$/,
    )
    expect(rows[1]).toContain('**missed**')
    expect(rows[2]).toContain('| 4.00 | **missed** |')
  })
  it('lists the reference way only for the queries that have one', () => {
    const table = referenceTable([
      {
        name: 'ranked',
        product: { rounds: [[400]] },
        bare: { rounds: [[300]] },
        reference: { rounds: [[1200]] },
      },
      { name: 'plain', product: { rounds: [[10]] }, bare: { rounds: [[9]] } },
    ])
    expect(table.split('\n').slice(2)).toEqual(['| ranked | 1200 / 1200 | 300 / 300 | 400 / 400 |'])
  })
})
