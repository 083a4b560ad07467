import type { Dimension, SortableKpi } from '@adpulse/kpi'
import { describe, expect, it } from 'vitest'
import { campaignsQuery } from './campaign-list-query.ts'
import type { KpiRequest } from './kpi-request.ts'
import { RANKED_PAGE_MAX, rankedKeysQuery, ranksKeysFirst, rowsQuery } from './kpi-rows-query.ts'

const request = (over: Partial<KpiRequest> = {}): KpiRequest => ({
  range: { from: 60_000, to: 120_000 },
  by: ['campaign'],
  filters: {},
  limit: 50,
  offset: 0,
  ...over,
})

describe('rowsQuery', () => {
  it('binds every filter value as a parameter, never in the SQL text', () => {
    const hostile = "x' OR 1=1 --"
    const { query, params } = rowsQuery(
      'adpulse',
      request({
        filters: { channel: hostile, campaign_id: hostile, ad_id: hostile, action: hostile, source: hostile },
      }),
    )
    expect(query).not.toContain(hostile)
    for (const field of ['channel', 'campaign_id', 'ad_id', 'source']) {
      expect(query).toContain(`${field} = {f_${field}:String}`)
      expect(params[`f_${field}`]).toBe(hostile)
    }
    // The action filter restricts the outcomes, not the buckets read (their spend counts).
    expect(query).not.toContain('action = {f_action:String}')
    expect(query).toContain('a = {f_action:String}')
    expect(params.f_action).toBe(hostile)
  })

  it('asks for one row more than the page, after the offset', () => {
    const { query, params } = rowsQuery('adpulse', request({ limit: 20, offset: 40 }))
    expect(query).toContain('LIMIT {limit:UInt64} OFFSET {offset:UInt64}')
    expect(params).toMatchObject({ limit: 21, offset: 40, from: 60, to: 120 })
  })

  it('splits a row per action only with action in `by` and no action filter', () => {
    expect(rowsQuery('adpulse', request({ by: ['campaign', 'action'] })).query).toContain('ARRAY JOIN')
    expect(rowsQuery('adpulse', request({ by: ['campaign'] })).query).not.toContain('ARRAY JOIN')
    expect(
      rowsQuery('adpulse', request({ by: ['campaign', 'action'], filters: { action: 'lead' } })).query,
    ).not.toContain('ARRAY JOIN')
  })

  it('sorts NULLs last in both orders, ties by bucket_start and the keys', () => {
    const { query } = rowsQuery(
      'adpulse',
      request({
        by: ['channel', 'ad'],
        bucketing: { unit: 'day', timeZone: 'Asia/Tehran' },
        sort: { kpi: 'cpa_micros', order: 'desc' },
      }),
    )
    expect(query).toMatch(
      /ORDER BY if\(conversions = 0, NULL, .*\) DESC NULLS LAST, bucket_start, channel, ad_id\n/,
    )
  })

  it('ranks the keys of a small sorted page on the totals without action, sorted and paged as the rows', () => {
    const sorted = request({
      by: ['channel', 'campaign'],
      sort: { kpi: 'spend_micros', order: 'desc' },
      limit: 50,
      offset: 5000,
    })
    expect(ranksKeysFirst(sorted)).toBe(true)
    const { query, params } = rankedKeysQuery('adpulse', sorted)
    expect(query).toMatch(/^SELECT channel, campaign_id FROM/)
    expect(query).toMatch(/GROUP BY channel, campaign_id\)/)
    expect(query).not.toMatch(/\baction\b/)
    expect(query).toMatch(
      /ORDER BY spend DESC NULLS LAST, channel, campaign_id\n\s*LIMIT \{limit:UInt64\} OFFSET \{offset:UInt64\}/,
    )
    expect(query).toContain('SETTINGS optimize_aggregation_in_order = 1')
    expect(params).toEqual({ from: 60, to: 120, limit: 51, offset: 5000 })
  })

  it("reads a ranked page's rows by its keys, each value a parameter, without a second offset", () => {
    const sorted = request({ by: ['channel', 'campaign'], sort: { kpi: 'roas', order: 'asc' }, offset: 40 })
    const hostile = "x' OR 1=1 --"
    const { query, params } = rowsQuery('adpulse', sorted, [
      ['social', hostile],
      ['search', 'c2'],
    ])
    expect(query).not.toContain(hostile)
    expect(query).toMatch(
      /WHERE minute >= [^\n]* AND \(channel, campaign_id\) IN \(\(\{k0_0:String\}, \{k0_1:String\}\), \(\{k1_0:String\}, \{k1_1:String\}\)\)\n/,
    )
    expect(params).toMatchObject({ k0_0: 'social', k0_1: hostile, k1_0: 'search', k1_1: 'c2', limit: 51 })
    expect(query).not.toContain('OFFSET')
    expect(query).toMatch(
      /ORDER BY if\(spend = 0, NULL, .*\) ASC NULLS LAST, channel, campaign_id\n\s*LIMIT \{limit:UInt64\}$/,
    )
    // No key: no row read.
    expect(rowsQuery('adpulse', sorted, []).query).toMatch(/ AND 0\n/)
    // The one-step query of the same request: every group, then the offset.
    const oneStep = rowsQuery('adpulse', sorted).query
    expect(oneStep).not.toContain(' IN (')
    expect(oneStep).toContain('LIMIT {limit:UInt64} OFFSET {offset:UInt64}')
    expect(() => rowsQuery('adpulse', request({ by: ['campaign', 'action'] }), [['c1']])).toThrow(
      'ranksKeysFirst',
    )
    expect(() => rowsQuery('adpulse', sorted, [['c1']])).toThrow('1 values for 2 keys')
  })

  it('ranks on the action filter as the rows sort on it', () => {
    const { query } = rankedKeysQuery(
      'adpulse',
      request({ filters: { action: 'lead', channel: 'social' }, sort: { kpi: 'cpa_micros', order: 'asc' } }),
    )
    expect(query).toContain('sumIf(conversions, action = {f_action:String}) AS rank_conversions')
    expect(query).toContain('sum(spend_micros) AS rank_spend')
    expect(query).toContain('channel = {f_channel:String}')
    expect(query).not.toContain('action = {f_action:String} AND')
    // Without the filter, outcomes over every action, as the rows' totals.
    expect(rankedKeysQuery('adpulse', request({ sort: { kpi: 'cvr', order: 'asc' } })).query).toContain(
      'sum(conversions) AS rank_conversions',
    )
  })

  it('does not rank a page unsorted, split by action, bucketed or large', () => {
    const sort = { kpi: 'spend_micros', order: 'desc' } as const
    const oneStep: KpiRequest[] = [
      request({}),
      request({ by: ['campaign', 'action'], sort }),
      request({ by: ['action'], filters: { action: 'lead' }, sort }),
      request({ sort, bucketing: { unit: 'hour', timeZone: 'UTC' } }),
      request({ sort, limit: RANKED_PAGE_MAX }),
    ]
    for (const asked of oneStep) {
      expect(ranksKeysFirst(asked), JSON.stringify(asked)).toBe(false)
    }
    expect(ranksKeysFirst(request({ sort, limit: RANKED_PAGE_MAX - 1 }))).toBe(true)
  })

  it('refuses a dimension or a KPI it does not know (names reach the SQL text)', () => {
    expect(() => rowsQuery('adpulse', request({ by: ['x; DROP' as Dimension] }))).toThrow('not a dimension')
    expect(() => rowsQuery('adpulse', request({ by: [] }))).toThrow('at least one dimension')
    expect(() =>
      rowsQuery('adpulse', request({ sort: { kpi: 'nope' as SortableKpi, order: 'asc' } })),
    ).toThrow('not a sortable KPI')
  })
})

describe('campaignsQuery', () => {
  it('pages by the (channel, campaign_id) after the last row, bound as parameters', () => {
    const { query, params } = campaignsQuery('adpulse', {
      channel: "s'",
      limit: 10,
      after: { channel: "s'", campaign_id: "c'" },
    })
    expect(query).not.toContain("s'")
    expect(query).toContain('(channel, campaign_id) > ({after_channel:String}, {after_campaign:String})')
    expect(params).toEqual({ limit: 11, channel: "s'", after_channel: "s'", after_campaign: "c'" })
  })
})
