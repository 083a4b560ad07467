import type { CampaignPage, KpiPage, KpiRequest, KpiRow } from '@adpulse/clickhouse'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { registerExperimentRoutes } from './experiment-routes.ts'
import type { KpiReader } from './kpi-reader.ts'

const NOW = Date.parse('2026-11-22T10:30:15.500Z')

/** Answers by=channel,campaign,ad with the rows it was given, filtered by campaign_id; the requests it saw. */
class AdRows implements KpiReader {
  readonly requests: KpiRequest[] = []
  constructor(private readonly adRows: KpiRow[]) {}
  async rows(request: KpiRequest): Promise<KpiPage> {
    this.requests.push(request)
    const { campaign_id } = request.filters
    const rows = this.adRows.filter((r) => campaign_id === undefined || r.campaign_id === campaign_id)
    return { rows: rows.slice(0, request.limit), more: rows.length > request.limit }
  }
  async campaigns(): Promise<CampaignPage> {
    return { rows: [], more: false }
  }
}

const adRow = (campaign_id: string, ad_id: string, impressions: number, clicks: number): KpiRow => ({
  channel: 'search',
  campaign_id,
  ad_id,
  impressions,
  clicks,
  engagements: 0,
  conversions: 0,
  spend_micros: 0n,
  revenue_micros: 0n,
  actions: [],
})

const ROWS = [
  adRow('c1', 'a', 1000, 50),
  adRow('c1', 'b', 1000, 20),
  adRow('c2', '', 500, 5),
  adRow('c2', 'a', 500, 5),
  adRow('c3', 'a', 800, 8),
  adRow('c3', 'b', 800, 9),
  adRow('c4', 'a', 300, 3),
  adRow('c4', 'b', 300, 4),
]

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function serve(reader: KpiReader): Promise<FastifyInstance> {
  app = Fastify()
  registerExperimentRoutes(app, reader, undefined, () => NOW)
  return app
}

describe('GET /v1/experiments', () => {
  it('reads the window per ad and answers campaigns with two or more ads (an ad-less row is no ad)', async () => {
    const reader = new AdRows(ROWS)
    const server = await serve(reader)
    const response = await server.inject({ method: 'GET', url: '/v1/experiments?window=24h' })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body).toMatchObject({
      window: '24h',
      from: '2026-11-21T10:31:00.000Z',
      to: '2026-11-22T10:31:00.000Z',
      metric: 'ctr',
      confidence: 0.95,
      min_lift: null,
      next_cursor: null,
    })
    expect(body.campaigns.map((c: { campaign_id: string }) => c.campaign_id)).toEqual(['c1', 'c3', 'c4'])
    expect(reader.requests[0]).toMatchObject({ by: ['channel', 'campaign', 'ad'], filters: {}, offset: 0 })
    const [c1] = body.campaigns
    expect(c1).toMatchObject({
      campaign_id: 'c1',
      channel: 'search',
      best_ad_id: 'a',
      status: 'collecting',
      min_lift: null,
    })
    expect(c1.ads[1]).toMatchObject({ ad_id: 'b', estimate: 0.02, revenue_micros: '0' })
    expect(c1.ads[1].interval).toHaveLength(2)
    expect(c1.ads[1].lift_vs_best.estimate).toBeCloseTo(-0.6, 12)
  })

  it('pages campaigns with a cursor that pins the window', async () => {
    const server = await serve(new AdRows(ROWS))
    const first = (await server.inject({ method: 'GET', url: '/v1/experiments?window=1h&limit=2' })).json()
    expect(first.campaigns.map((c: { campaign_id: string }) => c.campaign_id)).toEqual(['c1', 'c3'])
    expect(first.next_cursor).toEqual(expect.any(String))
    const url = `/v1/experiments?window=1h&limit=2&cursor=${first.next_cursor}`
    const second = (await server.inject({ method: 'GET', url })).json()
    expect(second.campaigns.map((c: { campaign_id: string }) => c.campaign_id)).toEqual(['c4'])
    expect(second.next_cursor).toBeNull()
    const other = await server.inject({
      method: 'GET',
      url: `/v1/experiments?window=1h&limit=2&metric=cvr&cursor=${first.next_cursor}`,
    })
    expect(other.statusCode).toBe(400)
    expect(other.json().message).toMatch(/^cursor: /)
  })

  it('filters by campaign_id', async () => {
    const reader = new AdRows(ROWS)
    const server = await serve(reader)
    const body = (await server.inject({ method: 'GET', url: '/v1/experiments?campaign_id=c3' })).json()
    expect(body.campaigns).toHaveLength(1)
    expect(reader.requests[0]?.filters).toEqual({ campaign_id: 'c3' })
  })

  it('answers a campaign asked by name with one ad 422, and one without ads 404, each naming it', async () => {
    const server = await serve(new AdRows(ROWS))
    const one = await server.inject({ method: 'GET', url: '/v1/experiments?campaign_id=c2' })
    expect(one.statusCode).toBe(422)
    expect(one.json()).toEqual({
      error: 'one_ad',
      message:
        'campaign_id "c2" has one ad in the window (a): a creative test compares two or more ads of a campaign',
    })
    const none = await server.inject({ method: 'GET', url: '/v1/experiments?campaign_id=c9' })
    expect(none.statusCode).toBe(404)
    expect(none.json().message).toBe('campaign_id "c9" has no events with an ad_id in the window')
  })

  it('tunes the test to min_lift: 720 against 600 clicks wins by default and at 0.2, not when tuned for 5 %', async () => {
    const server = await serve(new AdRows([adRow('t', 'a', 30_000, 720), adRow('t', 'b', 30_000, 600)]))
    const status = async (query: string) =>
      (await server.inject({ method: 'GET', url: `/v1/experiments?window=24h${query}` })).json().campaigns[0]
        .status
    expect(await status('')).toBe('winner')
    expect(await status('&min_lift=0.2')).toBe('winner')
    expect(await status('&min_lift=0.05')).toBe('collecting')
  })

  it("echoes min_lift and answers lift_vs_best from the winner's test: below 0 when it wins, reaching past 0 when not", async () => {
    const server = await serve(new AdRows([adRow('t', 'a', 30_000, 720), adRow('t', 'b', 30_000, 600)]))
    const get = async (query: string) =>
      (await server.inject({ method: 'GET', url: `/v1/experiments?window=24h${query}` })).json()
    const plain = await get('')
    expect(plain.min_lift).toBeNull()
    // The separate intervals overlap (b's upper 0.023808 above a's lower 0.020293), the test of the two does not.
    expect(plain.campaigns[0].ads[1].interval[1]).toBeGreaterThan(plain.campaigns[0].ads[0].interval[0])
    expect(plain.campaigns[0].ads[1].lift_vs_best.interval[1]).toBeCloseTo(-0.011114, 6)
    const tuned = await get('&min_lift=0.05')
    expect(tuned.min_lift).toBe(0.05)
    expect(tuned.campaigns[0]).toMatchObject({ status: 'collecting', min_lift: 0.05 })
    expect(tuned.campaigns[0].ads[1].lift_vs_best.interval[1]).toBeCloseTo(0.016581, 6)
  })

  it.each([
    ['min_lift=0', /^min_lift: expected a relative lift 0.01-10/],
    ['min_lift=ten', /^min_lift: /],
    ['min_lift=11', /^min_lift: /],
    ['metric=roi', /^metric: expected one of ctr, cvr, revenue_per_impression/],
    ['confidence=1', /^confidence: /],
    ['confidence=0.3', /^confidence: /],
    ['window=2h', /^window: /],
    ['limit=0', /^limit: /],
    ['campaign=c1', /^unknown parameter "campaign"/],
    ['channel=Search', /^channel: /],
    ['cursor=abc', /^cursor: /],
  ])('answers %s with a 400 naming it', async (query, message) => {
    const server = await serve(new AdRows(ROWS))
    const response = await server.inject({ method: 'GET', url: `/v1/experiments?${query}` })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ error: 'bad_request', message: expect.stringMatching(message) })
  })
})
