import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAllInOne } from '@adpulse/adpulse'
import { loadConfig } from '@adpulse/config'
import { createLogger } from '@adpulse/observability'
import { mulberry32, pollUntil, readHeaders, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PricingFile, referencePricer } from './support/reference-pricing.ts'

/**
 * Every event's detail, end to end: events of every type, action and pricing
 * model (CPE and CPV included) over several campaigns and ads go through HTTP,
 * Kafka and the processor, and every figure of /v1/kpis by campaign and ad, and
 * by action, equals sums computed here from the events posted.
 */

const API_KEY = 'detail-secret-key'
const MINUTE = 60_000

/** One channel per pricing model, and a campaign whose own model overrides its channel's. */
const PRICING: PricingFile = {
  channels: {
    search: { model: 'CPC', rate_micros: 1_500_000 },
    display: { model: 'CPM', rate_micros: 3_000_000 },
    leadgen: { model: 'CPA', rate_micros: 8_000_000, actions: ['lead', 'signup'] },
    shop: { model: 'CPS', rate_bps: 1200 },
    social: { model: 'CPE', rate_micros: 250_000, actions: ['like', 'share', 'comment'] },
    video: { model: 'CPV', rate_micros: 40_000 },
  },
  campaigns: { 'social-c2': { model: 'CPV', rate_micros: 30_000 } },
}
const CHANNELS = Object.keys(PRICING.channels)
const ADS = ['a1', 'a2', 'a3', null]
const ENGAGEMENTS = ['like', 'share', 'comment', 'save', 'video_view']
const CONVERSIONS = ['lead', 'signup', 'purchase']

interface PostedEvent {
  event_id: string
  type: 'impression' | 'click' | 'engagement' | 'conversion'
  occurred_at: number
  channel: string
  campaign_id: string
  ad_id?: string
  action?: string
  value_micros?: string
  cost_micros?: string
}

/** A seeded market: every type on every channel, most events with an ad, a few with an explicit cost. */
function market(now: number, count: number): PostedEvent[] {
  const random = mulberry32(20261130)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const events: PostedEvent[] = []
  for (let i = 0; i < count; i++) {
    const channel = pick(CHANNELS)
    const ad = pick(ADS)
    const draw = random()
    const type = draw < 0.55 ? 'impression' : draw < 0.7 ? 'click' : draw < 0.88 ? 'engagement' : 'conversion'
    const event: PostedEvent = {
      event_id: `detail-${i}`,
      type,
      occurred_at: now - Math.floor(random() * 50 * MINUTE),
      channel,
      campaign_id: `${channel}-c${1 + Math.floor(random() * 2)}`,
      ...(ad === null ? {} : { ad_id: ad }),
    }
    if (type === 'engagement') event.action = pick(ENGAGEMENTS)
    if (type === 'conversion') {
      event.action = pick(CONVERSIONS)
      event.value_micros = String(Math.floor(random() * 90_000_000) + 1)
    }
    if (random() < 0.05) event.cost_micros = String(Math.floor(random() * 5_000_000))
    events.push(event)
  }
  return events
}

interface ActionFigures {
  conversions: number
  engagements: number
  revenue_micros: string
  cpa_micros: string | null
  cpe_micros: string | null
}
interface Row {
  channel?: string
  campaign_id?: string
  ad_id?: string | null
  action?: string
  impressions: number
  clicks: number
  engagements: number
  conversions: number
  spend_micros: string
  revenue_micros: string
  ctr: number | null
  engagement_rate: number | null
  cpa_micros: string | null
  cpe_micros: string | null
  actions: Record<string, ActionFigures>
}
interface Page {
  rows: Row[]
  next_cursor: string | null
}

interface Sums {
  impressions: number
  clicks: number
  engagements: number
  conversions: number
  spend: bigint
  revenue: bigint
  actions: Map<string, { conversions: number; engagements: number; revenue: bigint }>
}
const emptySums = (): Sums => ({
  impressions: 0,
  clicks: 0,
  engagements: 0,
  conversions: 0,
  spend: 0n,
  revenue: 0n,
  actions: new Map(),
})

/** Rounded half up, as the API divides money; null on a zero denominator. */
const perUnit = (spend: bigint, units: number): string | null =>
  units === 0 ? null : ((spend * 2n + BigInt(units)) / (2n * BigInt(units))).toString()

/** The sums of the events grouped by `key`, priced by hand (test/support/reference-pricing.ts). */
function referenceSums(events: PostedEvent[], key: (e: PostedEvent) => string): Map<string, Sums> {
  const price = referencePricer(PRICING)
  const sums = new Map<string, Sums>()
  for (const e of events) {
    const s = sums.get(key(e)) ?? emptySums()
    sums.set(key(e), s)
    const value = BigInt(e.value_micros ?? 0)
    s.spend += price({
      ...e,
      action: e.action ?? null,
      cost_micros: e.cost_micros === undefined ? null : BigInt(e.cost_micros),
      value_micros: e.value_micros === undefined ? null : value,
    })
    if (e.type === 'impression') s.impressions++
    if (e.type === 'click') s.clicks++
    if (e.action === undefined) continue
    const a = s.actions.get(e.action) ?? { conversions: 0, engagements: 0, revenue: 0n }
    s.actions.set(e.action, a)
    if (e.type === 'engagement') {
      s.engagements++
      a.engagements++
    } else {
      s.conversions++
      s.revenue += value
      a.conversions++
      a.revenue += value
    }
  }
  return sums
}

/** What the API must answer for a row of these sums. */
function expectedRow(s: Sums) {
  return {
    impressions: s.impressions,
    clicks: s.clicks,
    engagements: s.engagements,
    conversions: s.conversions,
    spend_micros: s.spend.toString(),
    revenue_micros: s.revenue.toString(),
    ctr: s.impressions === 0 ? null : s.clicks / s.impressions,
    engagement_rate: s.impressions === 0 ? null : s.engagements / s.impressions,
    cpa_micros: perUnit(s.spend, s.conversions),
    cpe_micros: perUnit(s.spend, s.engagements),
    actions: Object.fromEntries(
      [...s.actions].map(([action, a]) => [
        action,
        {
          conversions: a.conversions,
          engagements: a.engagements,
          revenue_micros: a.revenue.toString(),
          cpa_micros: perUnit(s.spend, a.conversions),
          cpe_micros: perUnit(s.spend, a.engagements),
        },
      ]),
    ),
  }
}

const figuresOf = (row: Row) => ({
  impressions: row.impressions,
  clicks: row.clicks,
  engagements: row.engagements,
  conversions: row.conversions,
  spend_micros: row.spend_micros,
  revenue_micros: row.revenue_micros,
  ctr: row.ctr,
  engagement_rate: row.engagement_rate,
  cpa_micros: row.cpa_micros,
  cpe_micros: row.cpe_micros,
  actions: row.actions,
})

describe('every event detail, end to end', () => {
  const id = uniqueName('detail')
  const now = Date.now()
  const events = market(now, 3000)
  // A range of whole minutes around every event, fixed for every query of the test.
  const range = `from=${Math.floor(now / MINUTE) * MINUTE - 60 * MINUTE}&to=${Math.floor(now / MINUTE) * MINUTE + MINUTE}`
  let stop: (() => Promise<void>) | undefined
  let base = ''
  let workdir = ''

  beforeAll(async () => {
    workdir = await mkdtemp(join(tmpdir(), 'adpulse-detail-'))
    const pricingFile = join(workdir, 'pricing.json')
    await writeFile(pricingFile, JSON.stringify(PRICING))
    const config = loadConfig(
      testEnvironment(id, { ADPULSE_INGEST_KEYS: `detail:${API_KEY}`, ADPULSE_PRICING_FILE: pricingFile }),
    )
    const running = await startAllInOne(config, createLogger('detail', { level: 'warn' }))
    stop = running.stop
    base = `http://127.0.0.1:${running.address.port}`
  })

  afterAll(async () => {
    await stop?.()
    await rm(workdir, { recursive: true, force: true })
  })

  const get = async (path: string): Promise<Page> => {
    const response = await fetch(`${base}${path}`, { headers: readHeaders() })
    expect(response.status, await response.clone().text()).toBe(200)
    return (await response.json()) as Page
  }
  /** Every row of a query, a page of `limit` at a time through next_cursor. */
  const allPages = async (query: string, limit: number): Promise<Row[]> => {
    const rows: Row[] = []
    let page = await get(`/v1/kpis?${query}&limit=${limit}`)
    rows.push(...page.rows)
    while (page.next_cursor !== null) {
      page = await get(`/v1/kpis?${query}&limit=${limit}&cursor=${encodeURIComponent(page.next_cursor)}`)
      rows.push(...page.rows)
    }
    return rows
  }

  it('counts every posted event of every type', async () => {
    for (let i = 0; i < events.length; i += 500) {
      const response = await fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(events.slice(i, i + 500)),
      })
      expect(response.status).toBe(202)
      expect(await response.json()).toEqual({ accepted: Math.min(500, events.length - i), rejected: [] })
    }
    await pollUntil(
      () => get(`/v1/kpis?${range}&by=channel`),
      (page) =>
        page.rows.reduce((n, r) => n + r.impressions + r.clicks + r.engagements + r.conversions, 0) ===
        events.length,
      { what: 'every posted event in /v1/kpis', timeoutMs: 120_000 },
    )
  })

  it('answers every figure by campaign and ad, a page at a time', async () => {
    const rows = await allPages(`${range}&by=campaign,ad`, 7)
    const keyOf = (campaign: string | undefined, ad: string | null | undefined) => `${campaign}/${ad ?? ''}`
    expect(new Set(rows.map((r) => keyOf(r.campaign_id, r.ad_id))).size).toBe(rows.length)
    const expected = referenceSums(events, (e) => keyOf(e.campaign_id, e.ad_id))
    expect(Object.fromEntries(rows.map((r) => [keyOf(r.campaign_id, r.ad_id), figuresOf(r)]))).toEqual(
      Object.fromEntries([...expected].map(([key, s]) => [key, expectedRow(s)])),
    )
  })

  it('reads an ad within its campaign, and filters one ad across campaigns', async () => {
    const byAd = await allPages(`${range}&by=ad`, 100)
    expect(byAd).toEqual(await allPages(`${range}&by=campaign,ad`, 100))
    const a2 = await allPages(`${range}&by=ad&ad_id=a2`, 100)
    const expected = referenceSums(
      events.filter((e) => e.ad_id === 'a2'),
      (e) => e.campaign_id,
    )
    expect(a2.every((r) => r.ad_id === 'a2')).toBe(true)
    expect(Object.fromEntries(a2.map((r) => [r.campaign_id, figuresOf(r)]))).toEqual(
      Object.fromEntries([...expected].map(([key, s]) => [key, expectedRow(s)])),
    )
  })

  it('answers one row per action, each with the spend of everything and its own outcomes', async () => {
    const rows = await allPages(`${range}&by=action`, 3)
    const total = referenceSums(events, () => 'all').get('all') ?? emptySums()
    expect(rows.map((r) => r.action).sort()).toEqual([...total.actions.keys()].sort())
    for (const row of rows) {
      const action = total.actions.get(row.action ?? '')
      expect(row, row.action).toMatchObject({
        spend_micros: total.spend.toString(),
        conversions: action?.conversions,
        engagements: action?.engagements,
        revenue_micros: action?.revenue.toString(),
        cpa_micros: perUnit(total.spend, action?.conversions ?? 0),
        cpe_micros: perUnit(total.spend, action?.engagements ?? 0),
      })
    }
  })

  it('filters a channel and sorts its campaigns by any KPI', async () => {
    const social = events.filter((e) => e.channel === 'social')
    const [row] = (await get(`/v1/kpis?${range}&by=channel&channel=social`)).rows
    const expected = referenceSums(social, () => 'social').get('social') ?? emptySums()
    expect(row && figuresOf(row)).toEqual(expectedRow(expected))

    const byCampaign = referenceSums(events, (e) => e.campaign_id)
    const top = (await get(`/v1/kpis?${range}&by=campaign&sort=spend_micros&order=desc&limit=3`)).rows
    const bySpend = [...byCampaign].sort(([, a], [, b]) =>
      a.spend === b.spend ? 0 : a.spend > b.spend ? -1 : 1,
    )
    expect(top.map((r) => r.spend_micros)).toEqual(bySpend.slice(0, 3).map(([, s]) => s.spend.toString()))
  })
})
