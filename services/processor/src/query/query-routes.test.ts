import type {
  CampaignListRequest,
  CampaignPage,
  CampaignRow,
  KpiPage,
  KpiRequest,
  KpiRow,
} from '@adpulse/clickhouse'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { registerCampaignRoutes } from './campaign-routes.ts'
import type { KpiReader } from './kpi-reader.ts'
import { registerKpiRoutes } from './kpi-routes.ts'

const NOW = Date.parse('2026-11-22T10:30:15.500Z')

/** The rows and campaigns it was given, paged as the store pages them; the requests it saw. */
class MemoryReader implements KpiReader {
  readonly requests: KpiRequest[] = []
  readonly campaignRequests: CampaignListRequest[] = []
  constructor(
    private readonly kpiRows: KpiRow[],
    private readonly campaignRows: CampaignRow[] = [],
  ) {}

  async rows(request: KpiRequest): Promise<KpiPage> {
    this.requests.push(request)
    const end = request.offset + request.limit
    return { rows: this.kpiRows.slice(request.offset, end), more: end < this.kpiRows.length }
  }

  async campaigns(request: CampaignListRequest): Promise<CampaignPage> {
    this.campaignRequests.push(request)
    const { after } = request
    const rows = this.campaignRows.filter(
      (c) =>
        (request.channel === undefined || c.channel === request.channel) &&
        (after === undefined ||
          `${c.channel}\u0000${c.campaign_id}` > `${after.channel}\u0000${after.campaign_id}`),
    )
    return { rows: rows.slice(0, request.limit), more: rows.length > request.limit }
  }
}

const row = (over: Partial<KpiRow>): KpiRow => ({
  impressions: 0,
  clicks: 0,
  engagements: 0,
  conversions: 0,
  spend_micros: 0n,
  revenue_micros: 0n,
  actions: [],
  ...over,
})

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function serve(reader: KpiReader): Promise<FastifyInstance> {
  app = Fastify()
  registerKpiRoutes(app, reader, undefined, () => NOW)
  registerCampaignRoutes(app, reader)
  await app.ready()
  return app
}

const get = async (server: FastifyInstance, url: string) => {
  const response = await server.inject({ method: 'GET', url })
  return { status: response.statusCode, body: response.json() as Record<string, unknown> }
}

describe('GET /v1/kpis', () => {
  it('answers each row with its keys, sums, derived KPIs and actions; money as strings', async () => {
    const reader = new MemoryReader([
      row({
        channel: 'social',
        campaign_id: 'c1',
        ad_id: 'ad-2',
        impressions: 2_000,
        clicks: 40,
        engagements: 25,
        conversions: 13,
        spend_micros: 10_000_000n,
        revenue_micros: 9_007_199_254_740_993n,
        attributed_conversions: 1,
        attributed_revenue_micros: 9_007_199_254_740_993n,
        actions: [
          { action: 'lead', conversions: 12, engagements: 0, revenue_micros: 0n },
          { action: 'like', conversions: 0, engagements: 25, revenue_micros: 0n },
          { action: 'purchase', conversions: 1, engagements: 0, revenue_micros: 9_007_199_254_740_993n },
        ],
      }),
    ])
    const server = await serve(reader)
    const { status, body } = await get(server, '/v1/kpis?window=24h&by=ad&channel=social')
    expect(status).toBe(200)
    expect(reader.requests).toEqual([
      {
        range: { from: Date.parse('2026-11-21T10:31:00Z'), to: Date.parse('2026-11-22T10:31:00Z') },
        by: ['channel', 'campaign', 'ad'],
        filters: { channel: 'social' },
        bucketing: undefined,
        sort: undefined,
        limit: 100,
        offset: 0,
      },
    ])
    expect(body).toEqual({
      window: '24h',
      from: '2026-11-21T10:31:00.000Z',
      to: '2026-11-22T10:31:00.000Z',
      rows: [
        {
          channel: 'social',
          campaign_id: 'c1',
          ad_id: 'ad-2',
          impressions: 2_000,
          clicks: 40,
          engagements: 25,
          conversions: 13,
          spend_micros: '10000000',
          revenue_micros: '9007199254740993',
          attributed_conversions: 1,
          attributed_revenue_micros: '9007199254740993',
          ctr: 0.02,
          cvr: 13 / 40,
          cpc_micros: '250000',
          cpm_micros: '5000000',
          cpa_micros: '769231', // 10,000,000 / 13 = 769,230.77
          roas: Number(9_007_199_254_740_993n) / 10_000_000,
          roi: Number(9_007_199_254_740_993n - 10_000_000n) / 10_000_000,
          engagement_rate: 0.0125,
          cpe_micros: '400000',
          actions: {
            lead: {
              conversions: 12,
              revenue_micros: '0',
              cpa_micros: '833333',
              engagements: 0,
              cpe_micros: null,
            },
            like: {
              conversions: 0,
              revenue_micros: '0',
              cpa_micros: null,
              engagements: 25,
              cpe_micros: '400000',
            },
            purchase: {
              conversions: 1,
              revenue_micros: '9007199254740993',
              cpa_micros: '10000000',
              engagements: 0,
              cpe_micros: null,
            },
          },
        },
      ],
      next_cursor: null,
    })
    expect(Object.keys((body.rows as object[])[0] ?? {}).slice(0, 4)).toEqual([
      'channel',
      'campaign_id',
      'ad_id',
      'impressions',
    ])
  })

  it('keeps the answer of by=channel and of bucketed rows as before, plus the new fields', async () => {
    const hour = Date.parse('2026-11-22T09:00:00Z')
    const server = await serve(
      new MemoryReader([row({ bucket_start: hour, channel: 'search', impressions: 10, spend_micros: 30n })]),
    )
    const { body } = await get(server, '/v1/kpis?window=24h&bucket=hour&tz=Asia/Tehran')
    expect(body).toMatchObject({ window: '24h', bucket: 'hour', tz: 'Asia/Tehran', next_cursor: null })
    expect(body.rows).toEqual([
      {
        bucket_start: '2026-11-22T09:00:00.000Z',
        channel: 'search',
        impressions: 10,
        clicks: 0,
        engagements: 0,
        conversions: 0,
        spend_micros: '30',
        revenue_micros: '0',
        attributed_conversions: 0,
        attributed_revenue_micros: '0',
        ctr: 0,
        cvr: null,
        cpc_micros: null,
        cpm_micros: '3000',
        cpa_micros: null,
        roas: 0,
        roi: -1,
        engagement_rate: 0,
        cpe_micros: null,
        actions: {},
      },
    ])
  })

  it('answers a row per action with its action key', async () => {
    const reader = new MemoryReader([
      row({
        action: 'lead',
        spend_micros: 6n,
        conversions: 2,
        actions: [{ action: 'lead', conversions: 2, engagements: 0, revenue_micros: 0n }],
      }),
    ])
    const { body } = await get(await serve(reader), '/v1/kpis?by=action&sort=cpa_micros&order=asc')
    expect(reader.requests[0]).toMatchObject({ by: ['action'], sort: { kpi: 'cpa_micros', order: 'asc' } })
    expect(body.rows).toEqual([
      expect.objectContaining({
        action: 'lead',
        cpa_micros: '3',
        actions: { lead: expect.objectContaining({ cpa_micros: '3' }) },
      }),
    ])
    expect(Object.hasOwn((body.rows as object[])[0] ?? {}, 'channel')).toBe(false)
  })

  it('pages with next_cursor through every row once, over the range of the first page', async () => {
    const rows = Array.from({ length: 5 }, (_, i) =>
      row({ channel: 'search', campaign_id: `c${i}`, clicks: i }),
    )
    const reader = new MemoryReader(rows)
    const server = await serve(reader)
    const seen: unknown[] = []
    let url = '/v1/kpis?window=1h&by=campaign&limit=2'
    for (let page = 0; page < 10; page++) {
      const { status, body } = await get(server, url)
      expect(status).toBe(200)
      seen.push(...(body.rows as Array<{ campaign_id: string }>).map((r) => r.campaign_id))
      if (body.next_cursor === null) break
      expect(body.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/)
      url = `/v1/kpis?window=1h&by=campaign&limit=2&cursor=${body.next_cursor}`
    }
    expect(seen).toEqual(['c0', 'c1', 'c2', 'c3', 'c4'])
    expect(reader.requests.map((r) => [r.offset, r.limit])).toEqual([
      [0, 2],
      [2, 2],
      [4, 2],
    ])
    expect(new Set(reader.requests.map((r) => JSON.stringify(r.range))).size).toBe(1)
  })

  it('answers 400 naming the parameter, without reading', async () => {
    const reader = new MemoryReader([])
    const server = await serve(reader)
    const cases: Array<[string, RegExp]> = [
      ['/v1/kpis?campaign=c1', /^unknown parameter "campaign": expected window, from, to, by, /],
      ['/v1/kpis?by=adset', /^by: expected a comma list of channel, campaign, ad, action, source/],
      ['/v1/kpis?campaign_id=', /^campaign_id: expected a string of 1-128 characters/],
      ['/v1/kpis?sort=spend', /^sort: expected one of impressions, /],
      ['/v1/kpis?order=asc', /^order: only meaningful with sort=/],
      ['/v1/kpis?limit=5000', /^limit: expected an integer 1-1000/],
      ['/v1/kpis?cursor=abc', /^cursor: expected the next_cursor of an earlier answer/],
      ['/v1/kpis?window=2h', /^window: expected one of 15m, 1h, 24h, 7d/],
    ]
    for (const [url, message] of cases) {
      const { status, body } = await get(server, url)
      expect(status).toBe(400)
      expect(body).toEqual({ error: 'bad_request', message: expect.stringMatching(message) })
    }
    expect(reader.requests).toEqual([])
  })
})

describe('GET /v1/campaigns', () => {
  const campaigns: CampaignRow[] = ['a', 'b', 'c'].map((id, i) => ({
    channel: 'social',
    campaign_id: id,
    ads: i === 0 ? [] : ['ad-1', 'ad-2'],
    first_event_at: Date.parse('2026-11-20T08:00:00Z') + i,
    last_event_at: Date.parse('2026-11-22T10:00:00Z'),
  }))

  it('lists campaigns with their ads and event times, a page at a time', async () => {
    const reader = new MemoryReader([], [{ ...campaigns[0], channel: 'search' } as CampaignRow, ...campaigns])
    const server = await serve(reader)
    const first = await get(server, '/v1/campaigns?channel=social&limit=2')
    expect(first.status).toBe(200)
    expect(first.body.campaigns).toEqual([
      {
        channel: 'social',
        campaign_id: 'a',
        ads: [],
        first_event_at: '2026-11-20T08:00:00.000Z',
        last_event_at: '2026-11-22T10:00:00.000Z',
      },
      {
        channel: 'social',
        campaign_id: 'b',
        ads: ['ad-1', 'ad-2'],
        first_event_at: '2026-11-20T08:00:00.001Z',
        last_event_at: '2026-11-22T10:00:00.000Z',
      },
    ])
    const second = await get(server, `/v1/campaigns?channel=social&limit=2&cursor=${first.body.next_cursor}`)
    expect((second.body.campaigns as CampaignRow[]).map((c) => c.campaign_id)).toEqual(['c'])
    expect(second.body.next_cursor).toBeNull()
    expect(reader.campaignRequests).toEqual([
      { channel: 'social', limit: 2 },
      { channel: 'social', limit: 2, after: { channel: 'social', campaign_id: 'b' } },
    ])
    expect((await get(server, '/v1/campaigns')).body.next_cursor).toBeNull()
    expect(reader.campaignRequests.at(-1)).toEqual({ limit: 100 })
  })

  it('answers 400 naming the parameter', async () => {
    const server = await serve(new MemoryReader([]))
    for (const [url, message] of [
      ['/v1/campaigns?campaign_id=c1', /^unknown parameter "campaign_id": expected channel, limit, cursor$/],
      ['/v1/campaigns?channel=Social', /^channel: expected a lowercase slug/],
      ['/v1/campaigns?limit=0', /^limit: expected an integer 1-1000/],
      ['/v1/campaigns?cursor=@@', /^cursor: expected the next_cursor of an earlier answer/],
    ] as const) {
      const { status, body } = await get(server, url)
      expect(status).toBe(400)
      expect(body).toEqual({ error: 'bad_request', message: expect.stringMatching(message) })
    }
  })
})
