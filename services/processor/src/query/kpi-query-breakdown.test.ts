import { SORTABLE_KPIS } from '@adpulse/kpi'
import { describe, expect, it } from 'vitest'
import { type KpiQuery, parseKpiQuery } from './kpi-query.ts'

const NOW = Date.parse('2026-11-22T10:30:15.500Z')

const queryOf = (params: Record<string, unknown>): KpiQuery => {
  const result = parseKpiQuery(params, NOW)
  if (!result.ok) throw new Error(`expected a query, got ${result.error}`)
  return result.query
}
const errorOf = (
  params: Record<string, unknown>,
  contract?: { maxIdLength: number; maxActionLength: number },
) => {
  const result = parseKpiQuery(params, NOW, contract)
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.query)}`)
  return result.error
}

const BY_EXPECTED =
  'by: expected a comma list of channel, campaign, ad, action, source, each at most once, got'

describe('parseKpiQuery: by', () => {
  it('reads a comma list in DIMENSIONS order, a campaign within its channel, an ad within its campaign', () => {
    expect(queryOf({}).by).toEqual(['channel'])
    expect(queryOf({ by: 'channel' }).by).toEqual(['channel'])
    expect(queryOf({ by: 'campaign' }).by).toEqual(['channel', 'campaign'])
    expect(queryOf({ by: 'ad' }).by).toEqual(['channel', 'campaign', 'ad'])
    expect(queryOf({ by: 'campaign,ad' }).by).toEqual(['channel', 'campaign', 'ad'])
    expect(queryOf({ by: 'ad,campaign' }).by).toEqual(['channel', 'campaign', 'ad'])
    expect(queryOf({ by: 'action' }).by).toEqual(['action'])
    expect(queryOf({ by: 'source' }).by).toEqual(['source'])
    expect(queryOf({ by: 'action,campaign' }).by).toEqual(['channel', 'campaign', 'action'])
    expect(queryOf({ by: 'source,channel' }).by).toEqual(['channel', 'source'])
    expect(queryOf({ by: 'source,action,ad,campaign,channel' }).by).toEqual([
      'channel',
      'campaign',
      'ad',
      'action',
      'source',
    ])
  })

  it('gives the same query, fingerprint included, for the same dimensions in any order', () => {
    expect(queryOf({ by: 'ad,action' })).toEqual(queryOf({ by: 'action,ad' }))
    expect(queryOf({ by: 'campaign' }).fingerprint).toBe(queryOf({ by: 'channel,campaign' }).fingerprint)
    expect(queryOf({ by: 'campaign' }).fingerprint).not.toBe(queryOf({ by: 'channel' }).fingerprint)
  })

  it('rejects unknown, repeated, empty and padded names, and a repeated parameter', () => {
    expect(errorOf({ by: 'ad,ad' })).toBe(`${BY_EXPECTED} "ad,ad"`)
    expect(errorOf({ by: 'campaign,' })).toBe(`${BY_EXPECTED} "campaign,"`)
    expect(errorOf({ by: 'campaign, ad' })).toBe(`${BY_EXPECTED} "campaign, ad"`)
    expect(errorOf({ by: 'campaign_id' })).toBe(`${BY_EXPECTED} "campaign_id"`)
    expect(errorOf({ by: 'toString' })).toBe(`${BY_EXPECTED} "toString"`)
    expect(errorOf({ by: ',' })).toBe(`${BY_EXPECTED} ","`)
    expect(errorOf({ by: ['campaign', 'ad'] })).toBe(`${BY_EXPECTED} ["campaign","ad"]`)
  })
})

describe('parseKpiQuery: filters', () => {
  it('reads each filter, none by default', () => {
    expect(queryOf({}).filters).toEqual({})
    expect(
      queryOf({ channel: 'search', campaign_id: 'c 1', ad_id: 'ad/7', action: 'lead', source: 'partner-1' })
        .filters,
    ).toEqual({ channel: 'search', campaign_id: 'c 1', ad_id: 'ad/7', action: 'lead', source: 'partner-1' })
    expect(queryOf({ by: 'ad', campaign_id: 'c1' })).toMatchObject({
      by: ['channel', 'campaign', 'ad'],
      filters: { campaign_id: 'c1' },
    })
  })

  it('checks each value with its write-contract rule', () => {
    expect(errorOf({ channel: 'Search' })).toBe(
      'channel: expected a lowercase slug of 1-64 characters (a-z, 0-9, _ or -), got "Search"',
    )
    expect(errorOf({ channel: '' })).toMatch(/^channel: expected a lowercase slug/)
    expect(errorOf({ campaign_id: '' })).toBe('campaign_id: expected a string of 1-128 characters, got ""')
    expect(errorOf({ ad_id: 'x'.repeat(129) })).toMatch(
      /^ad_id: expected a string of 1-128 characters, got "x+"$/,
    )
    expect(errorOf({ source: 'a\u0000b' })).toBe(
      'source: expected no control characters (U+0000-U+001F, U+007F-U+009F), got "a\\u0000b"',
    )
    expect(errorOf({ action: 'l'.repeat(65) })).toMatch(/^action: expected a string of 1-64 characters/)
    expect(errorOf({ action: 'lead\n' })).toMatch(/^action: expected no control characters/)
  })

  it("follows the deployment's contract limits", () => {
    const contract = { maxIdLength: 8, maxActionLength: 4 }
    expect(errorOf({ campaign_id: 'c'.repeat(9) }, contract)).toMatch(
      /^campaign_id: expected a string of 1-8 /,
    )
    expect(errorOf({ action: 'leads' }, contract)).toMatch(/^action: expected a string of 1-4 /)
    expect(parseKpiQuery({ campaign_id: 'c'.repeat(8), action: 'lead' }, NOW, contract).ok).toBe(true)
  })

  it('rejects a filter given twice', () => {
    expect(errorOf({ campaign_id: ['c1', 'c2'] })).toBe('campaign_id: expected one value, got ["c1","c2"]')
  })
})

describe('parseKpiQuery: sort and order', () => {
  it('sorts on any KPI, descending unless asked otherwise; none by default', () => {
    expect(queryOf({}).sort).toBeUndefined()
    for (const kpi of SORTABLE_KPIS) expect(queryOf({ sort: kpi }).sort).toEqual({ kpi, order: 'desc' })
    expect(queryOf({ sort: 'spend_micros', order: 'asc' }).sort).toEqual({
      kpi: 'spend_micros',
      order: 'asc',
    })
    expect(queryOf({ sort: 'cpe_micros', order: 'desc' }).sort).toEqual({ kpi: 'cpe_micros', order: 'desc' })
  })

  it('rejects an unknown KPI or order, and an order without sort', () => {
    expect(errorOf({ sort: 'spend' })).toBe(
      'sort: expected one of impressions, clicks, engagements, conversions, spend_micros, revenue_micros, ' +
        'ctr, cvr, engagement_rate, cpc_micros, cpm_micros, cpa_micros, cpe_micros, roas, roi, got "spend"',
    )
    expect(errorOf({ sort: 'channel' })).toMatch(/^sort: expected one of impressions, /)
    expect(errorOf({ sort: ['roi', 'roas'] })).toMatch(/^sort: expected one of .*, got \["roi","roas"\]$/)
    expect(errorOf({ sort: 'roi', order: 'DESC' })).toBe('order: expected asc or desc, got "DESC"')
    expect(errorOf({ sort: 'roi', order: '' })).toBe('order: expected asc or desc, got ""')
    expect(errorOf({ order: 'asc' })).toBe('order: only meaningful with sort=')
  })
})

describe('parseKpiQuery: limit', () => {
  it('reads 1 to 1000 rows a page, 100 by default, from the first row', () => {
    expect(queryOf({})).toMatchObject({ limit: 100, offset: 0 })
    expect(queryOf({ limit: '1' }).limit).toBe(1)
    expect(queryOf({ limit: '1000' }).limit).toBe(1000)
  })

  it('rejects anything else', () => {
    for (const limit of ['0', '1001', '10000', '-1', '2.5', '1e3', 'ten', '', ' 5']) {
      expect(errorOf({ limit })).toBe(`limit: expected an integer 1-1000, got ${JSON.stringify(limit)}`)
    }
    expect(errorOf({ limit: ['5', '6'] })).toBe('limit: expected an integer 1-1000, got ["5","6"]')
  })
})

describe('parseKpiQuery: unknown parameters', () => {
  const accepted =
    'expected window, from, to, by, channel, campaign_id, ad_id, action, source, sort, order, bucket, tz, limit, cursor'

  it('names the parameters it does not know and lists those it does', () => {
    expect(errorOf({ campaign: 'c1' })).toBe(`unknown parameter "campaign": ${accepted}`)
    expect(errorOf({ by: 'campaign', campaign: 'c1', ad: 'a1' })).toBe(
      `unknown parameters "campaign", "ad": ${accepted}`,
    )
    expect(errorOf({ Window: '1h' })).toBe(`unknown parameter "Window": ${accepted}`)
    expect(errorOf({ constructor: 'x' })).toBe(`unknown parameter "constructor": ${accepted}`)
  })

  it('answers unknown parameters before any other mistake', () => {
    expect(errorOf({ window: '2h', campaing_id: 'c1' })).toMatch(/^unknown parameter "campaing_id"/)
  })
})
