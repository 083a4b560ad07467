import { createClickHouse, KpiStore, migrate, type RawEventRow, RawEventStore } from '@adpulse/clickhouse'
import { OPENAPI_DOCUMENT } from '@adpulse/openapi'
import { documentValidator, responseSchema } from '@adpulse/openapi/testing'
import { testClickHouse, uniqueName } from '@adpulse/testkit'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerExperimentRoutes } from './experiment-routes.ts'

const FROM = Date.UTC(2026, 10, 20)
const TO = FROM + 86_400_000
const QUERY = `from=${FROM}&to=${TO}`

/** How many of each event an ad gets; conversions are worth `value` micros each. */
interface AdPlan {
  channel: string
  campaign_id: string
  ad_id: string | null
  impressions: number
  clicks: number
  conversions: number
  value: bigint
}

const PLANS: AdPlan[] = [
  // A clear case: ad b has five times the CTR of a and c, and 22 times their conversions per impression.
  {
    channel: 'search',
    campaign_id: 'clear',
    ad_id: 'a',
    impressions: 4_000,
    clicks: 40,
    conversions: 2,
    value: 30_000_000n,
  },
  {
    channel: 'search',
    campaign_id: 'clear',
    ad_id: 'b',
    impressions: 4_000,
    clicks: 200,
    conversions: 45,
    value: 30_000_000n,
  },
  {
    channel: 'search',
    campaign_id: 'clear',
    ad_id: 'c',
    impressions: 4_000,
    clicks: 44,
    conversions: 2,
    value: 30_000_000n,
  },
  // An A/A test: the same creative twice, the counts of equal rates.
  {
    channel: 'search',
    campaign_id: 'same',
    ad_id: 'x',
    impressions: 3_000,
    clicks: 60,
    conversions: 6,
    value: 20_000_000n,
  },
  {
    channel: 'search',
    campaign_id: 'same',
    ad_id: 'y',
    impressions: 3_000,
    clicks: 66,
    conversions: 5,
    value: 20_000_000n,
  },
  // Left out: a campaign with one ad, and events without an ad.
  {
    channel: 'social',
    campaign_id: 'single',
    ad_id: 's',
    impressions: 500,
    clicks: 9,
    conversions: 1,
    value: 5_000_000n,
  },
  {
    channel: 'search',
    campaign_id: 'clear',
    ad_id: null,
    impressions: 700,
    clicks: 70,
    conversions: 7,
    value: 1_000_000n,
  },
]

/** The plans as raw events, spread over the day, with unique ids and offsets. */
function eventsOf(plans: readonly AdPlan[]): RawEventRow[] {
  const rows: RawEventRow[] = []
  for (const plan of plans) {
    const kinds = [
      ['impression', plan.impressions],
      ['click', plan.clicks],
      ['conversion', plan.conversions],
    ] as const
    for (const [type, count] of kinds) {
      for (let i = 0; i < count; i++) {
        const offset = rows.length
        rows.push({
          event_id: `e-${offset}`,
          source: 'web',
          type,
          occurred_at: FROM + ((offset * 7_919) % 86_400_000),
          channel: plan.channel,
          campaign_id: plan.campaign_id,
          ad_id: plan.ad_id,
          action: type === 'conversion' ? 'purchase' : '',
          cost_micros: 1_000n,
          value_micros: type === 'conversion' ? plan.value : 0n,
          currency: 'USD',
          received_at: Date.now(),
          topic: 't',
          partition: 0,
          offset: String(offset),
        })
      }
    }
  }
  return rows
}

interface AdJson {
  ad_id: string
  impressions: number
  clicks: number
  conversions: number
  revenue_micros: string
  estimate: number
  interval: [number, number | null]
  lift_vs_best: { estimate: number; interval: [number, number | null] } | null
  probability_best: number
}
interface CampaignJson {
  campaign_id: string
  channel: string
  metric: string
  status: string
  best_ad_id: string
  ads: AdJson[]
}

/**
 * GET /v1/experiments over the run's real ClickHouse: raw events written
 * through events_raw and its per-ad buckets, the route on a Fastify instance
 * reading KpiStore, every figure checked against the sums of the events.
 */
describe('GET /v1/experiments on ClickHouse', () => {
  const database = uniqueName('adpulse_experiments')
  let close: () => Promise<void>
  let app: FastifyInstance
  const validator = documentValidator(OPENAPI_DOCUMENT)

  beforeAll(async () => {
    const client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    const rows = eventsOf(PLANS)
    const raw = new RawEventStore(client, database)
    for (let i = 0; i < rows.length; i += 5_000) {
      const batch = rows.slice(i, i + 5_000)
      await raw.insert(batch, `t/0/${batch[0]?.offset}-${batch.at(-1)?.offset}`)
    }
    app = Fastify()
    registerExperimentRoutes(app, new KpiStore(client, database))
    close = async () => {
      await app.close()
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
      await client.close()
    }
  })

  afterAll(async () => close?.())

  const get = async (query: string): Promise<CampaignJson[]> => {
    const response = await app.inject({ method: 'GET', url: `/v1/experiments?${query}` })
    expect(response.statusCode, response.body).toBe(200)
    // Every answer follows the documented schema (docs/openapi.json).
    const schema = responseSchema(OPENAPI_DOCUMENT, '/v1/experiments', 'get', 200, 'application/json')
    expect(schema).toBeDefined()
    expect(validator.errors(schema ?? {}, response.json())).toBeNull()
    return response.json().campaigns
  }

  it('answers each campaign with two or more ads, its sums those of the events', async () => {
    const campaigns = await get(`${QUERY}&metric=ctr`)
    expect(campaigns.map((c) => c.campaign_id)).toEqual(['clear', 'same'])
    for (const campaign of campaigns) {
      const plans = PLANS.filter((p) => p.campaign_id === campaign.campaign_id && p.ad_id !== null)
      expect(campaign.ads.map((a) => a.ad_id)).toEqual(plans.map((p) => p.ad_id))
      campaign.ads.forEach((ad, i) => {
        const plan = plans[i] as AdPlan
        expect(ad).toMatchObject({
          impressions: plan.impressions,
          clicks: plan.clicks,
          conversions: plan.conversions,
          revenue_micros: String(BigInt(plan.conversions) * plan.value),
          estimate: plan.clicks / plan.impressions,
        })
        expect(ad.interval[0]).toBeLessThan(ad.estimate)
        expect(ad.interval[1]).toBeGreaterThan(ad.estimate)
      })
      const total = campaign.ads.reduce((sum, ad) => sum + ad.probability_best, 0)
      expect(total).toBeCloseTo(1, 9)
    }
  })

  it('finds the clearly better ad a winner, with every other ad worse by its lift', async () => {
    const [clear] = await get(`${QUERY}&metric=ctr&campaign_id=clear`)
    expect(clear?.status).toBe('winner')
    expect(clear?.best_ad_id).toBe('b')
    const best = clear?.ads.find((a) => a.ad_id === 'b')
    const others = clear?.ads.filter((a) => a.ad_id !== 'b') ?? []
    for (const ad of others) {
      expect(ad.interval[1]).toBeLessThan(best?.interval[0] ?? 0)
      expect(ad.lift_vs_best?.estimate).toBeCloseTo(ad.clicks / 200 - 1, 12)
      expect(ad.lift_vs_best?.interval[1]).toBeLessThan(0)
    }
    expect(best?.probability_best).toBe(1)
    const [cvr] = await get(`${QUERY}&metric=cvr&campaign_id=clear`)
    expect(cvr?.ads.map((a) => a.estimate)).toEqual([2 / 40, 45 / 200, 2 / 44])
  })

  it('declares no winner in the A/A test', async () => {
    for (const metric of ['ctr', 'cvr', 'revenue_per_impression']) {
      const [same] = await get(`${QUERY}&metric=${metric}&campaign_id=same&confidence=0.9`)
      expect(same?.status, metric).not.toBe('winner')
      const lift = same?.ads.find((a) => a.ad_id !== same.best_ad_id)?.lift_vs_best
      expect(lift?.interval[0]).toBeLessThan(0)
      expect(lift?.interval[1] ?? Number.POSITIVE_INFINITY).toBeGreaterThan(0)
    }
  })

  it('prices revenue per impression from the revenue of the events', async () => {
    const [clear] = await get(`${QUERY}&metric=revenue_per_impression&campaign_id=clear`)
    expect(clear?.ads.map((a) => a.estimate)).toEqual([
      (2 * 30_000_000) / 4_000,
      (45 * 30_000_000) / 4_000,
      (2 * 30_000_000) / 4_000,
    ])
    expect(clear?.status).toBe('winner')
    expect(clear?.best_ad_id).toBe('b')
  })

  it('answers a 400 naming a bad parameter', async () => {
    const response = await app.inject({ method: 'GET', url: `/v1/experiments?${QUERY}&metric=roi` })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toMatch(/^metric: /)
  })
})
