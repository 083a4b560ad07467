import { describe, expect, it } from 'vitest'
import {
  ADS,
  CHANNELS,
  CONVERSION_EVERY,
  channelOf,
  ENGAGEMENT_EVERY,
  ENGAGING_CHANNELS,
  engagingCampaigns,
  MINUTES,
  planRows,
  tierInsert,
} from './query-data.ts'

/** The rows of a plan counted one active ad-minute at a time, as the generator's SELECT emits them. */
function countRowsByHand(campaigns: number): number {
  const plan = planRows(campaigns)
  let rows = 0
  for (const tier of plan.tiers) {
    for (let c = tier.first; c < tier.first + tier.campaigns; c++) {
      const engaging = (ENGAGING_CHANNELS as readonly string[]).includes(channelOf(c))
      for (let ad = 0; ad < ADS; ad++) {
        for (let slot = 0; slot < MINUTES / tier.periodMinutes; slot++) {
          rows += 1
          if ((slot + ad) % CONVERSION_EVERY === 0) rows += 1
          if (engaging && (slot + ad) % ENGAGEMENT_EVERY === 1) rows += 1
        }
      }
    }
  }
  return rows
}

describe('the query benchmark data plan', () => {
  it('counts the rows the generator emits, one ad-minute at a time', () => {
    for (const campaigns of [4, 7, 1_000, 2_345]) {
      expect(planRows(campaigns).rows).toBe(countRowsByHand(campaigns))
    }
  })

  it('gives the default account 52,743,600 rows, a tenth of its campaigns outside the tail', () => {
    const plan = planRows(100_000)
    expect(plan.rows).toBe(52_743_600)
    expect(plan.tiers.map((t) => [t.name, t.campaigns, t.slots])).toEqual([
      ['hot', 100, 10_080],
      ['warm', 900, 2_016],
      ['mid', 9_000, 168],
      ['tail', 90_000, 42],
    ])
    expect(plan.tiers.reduce((n, t) => n + t.campaigns, 0)).toBe(100_000)
    // Tiers are contiguous ranges of campaign numbers.
    expect(plan.tiers.map((t) => t.first)).toEqual([0, 100, 1_000, 10_000])
  })

  it('counts the campaigns of the engaging channels in any range', () => {
    for (const [first, count] of [
      [0, 0],
      [0, 5],
      [1, 3],
      [3, 17],
      [100, 900],
    ] as const) {
      let byHand = 0
      for (let c = first; c < first + count; c++) {
        if ((ENGAGING_CHANNELS as readonly string[]).includes(channelOf(c))) byHand++
      }
      expect(engagingCampaigns(first, count)).toBe(byHand)
    }
    expect(CHANNELS.length).toBe(5)
  })

  it('refuses an account smaller than one campaign per tier', () => {
    expect(() => planRows(3)).toThrow(/campaigns/)
    expect(() => planRows(10.5)).toThrow(/campaigns/)
  })

  it('generates each tier from numbers() of its ad-minutes', () => {
    const tier = planRows(1_000).tiers[2]
    if (tier === undefined) throw new Error('no mid tier')
    const sql = tierInsert('db', tier, 1_000_000)
    expect(sql).toContain(`FROM numbers(${tier.campaigns * ADS * tier.slots})`)
    expect(sql).toContain(`${tier.first} + intDiv(number % ${tier.campaigns * ADS}, ${ADS})`)
  })
})
