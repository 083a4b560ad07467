import { AttributionStore, KpiStore } from '@adpulse/clickhouse'
import type { AdEvent } from '@adpulse/events'
import { createRegistry } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import { anEvent, pollUntil } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processorRig } from '../test/processor-rig.ts'

const MIN = 60_000
const WAIT_MS = MIN

/** CPA on camp-1 and on the email channel, CPS on social: a credited conversion is priced under its click's keys. */
const PRICING: PricingTable = {
  campaigns: new Map([['camp-1', { model: 'CPA', rate_micros: 2_000_000n, actions: ['purchase'] }]]),
  channels: new Map([
    ['email', { model: 'CPA', rate_micros: 500_000n, actions: ['purchase'] }],
    ['social', { model: 'CPS', rate_bps: 1000 }],
  ]),
}

/**
 * Last-click attribution through the real processor, broker and chDB
 * (docs/attribution.md): conversions credited to the click of their click_id
 * in the same batch or written before, a postback with only a click_id, a
 * disagreement (the click wins, what was reported is kept), a click outside the
 * window, a conversion that waits for a click sent after it, and waits that
 * expire (no click, or one received after the wait): the buckets and the
 * attribution summary equal the credit worked out by hand below.
 */
describe('processor: last-click attribution by click_id', () => {
  const rig = processorRig('attribution', {
    partitions: 2,
    env: { ADPULSE_ATTRIBUTION_WINDOW: '1h', ADPULSE_ATTRIBUTION_WAIT: '60s' },
  })
  const db = rig.config.clickhouse.database
  beforeAll(() => rig.open())
  afterAll(() => rig.close())

  const now = Date.now()
  const click = (id: string, channel: string, campaign: string, ad: string, at: number, receivedAt = at) =>
    anEvent(
      {
        event_id: `click-${id}`,
        click_id: id,
        channel,
        campaign_id: campaign,
        ad_id: ad,
        occurred_at: at,
        received_at: receivedAt,
      },
      now,
    )
  const conversion = (id: string, clickId: string, value: bigint, at: number, over: Partial<AdEvent> = {}) =>
    anEvent(
      {
        event_id: `conv-${id}`,
        type: 'conversion',
        action: 'purchase',
        click_id: clickId,
        channel: '',
        campaign_id: '',
        cost_micros: null,
        value_micros: value,
        occurred_at: at,
        received_at: at,
        ...over,
      },
      now,
    )

  const query = async (sql: string) =>
    (await rig.client.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, unknown>>()
  const buckets = () =>
    query(`SELECT channel, campaign_id, ad_id, sum(clicks) AS clicks, sum(conversions) AS conversions,
        toString(sum(revenue_micros)) AS revenue, toString(sum(spend_micros)) AS spend,
        sum(attributed_conversions) AS attributed, toString(sum(attributed_revenue_micros)) AS attributed_revenue
      FROM ${db}.kpi_buckets GROUP BY channel, campaign_id, ad_id ORDER BY channel, campaign_id, ad_id`)
  const summary = () => new AttributionStore(rig.client, db).summary(now - 5 * 3600_000, now + 3600_000)

  it('credits each conversion as the rule says, whatever the order its click and it arrive in', async () => {
    await rig.send([
      click('k1', 'search', 'camp-1', 'ad-1', now - 10 * MIN),
      click('k2', 'social', 'camp-2', 'ad-2', now - 5 * MIN),
      click('k-old', 'search', 'camp-1', 'ad-9', now - 3 * 60 * MIN),
      // Received one millisecond after conversion G waited out: too late for it.
      click('k-late', 'display', 'camp-3', 'ad-3', now - 3 * MIN, now - 3 * MIN + WAIT_MS + 1),
      conversion('a', 'k1', 10_000_000n, now - 9 * MIN, { channel: 'search', campaign_id: 'camp-1' }),
      conversion('b', 'k2', 20_000_000n, now - 4 * MIN),
      conversion('c', 'k1', 5_000_000n, now - 8 * MIN, {
        channel: 'email',
        campaign_id: 'camp-x',
        ad_id: 'ad-x',
      }),
      conversion('d', 'k-old', 7_000_000n, now - 2 * MIN, { channel: 'email', campaign_id: 'camp-x' }),
      conversion('f', 'k-none', 3_000_000n, now - 2 * MIN),
      conversion('g', 'k-late', 1_000_000n, now - 3 * MIN),
    ])
    // Conversion E comes before its click: it waits (counted nowhere yet), then is credited.
    // Its receipt two minutes ahead: however slow this machine, its wait does not end before its click is sent.
    await rig.send([conversion('e', 'k-e', 4_000_000n, now, { received_at: now + 2 * MIN })])
    await rig.start({
      registry: createRegistry('processor'),
      pricing: PRICING,
      attribution: new AttributionStore(rig.client, db),
      produceSlackMs: 0,
    })
    const count = (
      rows: Awaited<ReturnType<typeof summary>>,
      state: 'matched' | 'waiting' | 'unattributed',
    ) => rows.reduce((n, r) => n + r[state].conversions, 0)
    const waiting = await pollUntil(
      summary,
      (rows) => count(rows, 'waiting') === 1 && count(rows, 'matched') + count(rows, 'unattributed') === 6,
      { what: 'every conversion decided but e, waiting for its click' },
    )
    expect(waiting.find((r) => r.waiting.conversions === 1)?.channel).toBe('')
    // The six decided conversions are in the buckets; the waiting one is not.
    expect((await buckets()).reduce((n, b) => n + Number(b.conversions), 0)).toBe(6)
    await rig.send([click('k-e', 'display', 'camp-3', 'ad-e', now - MIN, now + 2 * MIN + 1000)])

    const settled = await pollUntil(
      summary,
      (rows) => count(rows, 'matched') + count(rows, 'unattributed') === 7 && count(rows, 'waiting') === 0,
      { what: 'every conversion matched or unattributed', timeoutMs: 90_000 },
    )
    expect(settled).toEqual([
      figures('display', [1, '4000000'], [0, '0']),
      figures('email', [0, '0'], [1, '7000000']),
      figures('search', [2, '15000000'], [0, '0']),
      figures('social', [1, '20000000'], [0, '0']),
      figures('unattributed', [0, '0'], [2, '4000000']),
    ])
    expect(await buckets()).toEqual([
      bucket('display', 'camp-3', 'ad-3', { clicks: 1, spend: '1000' }),
      bucket('display', 'camp-3', 'ad-e', {
        clicks: 1,
        conversions: 1,
        revenue: '4000000',
        spend: '1000',
        attributed: 1,
      }),
      bucket('email', 'camp-x', '', { conversions: 1, revenue: '7000000', spend: '500000' }),
      bucket('search', 'camp-1', 'ad-1', {
        clicks: 1,
        conversions: 2,
        revenue: '15000000',
        spend: '4001000',
        attributed: 2,
      }),
      bucket('search', 'camp-1', 'ad-9', { clicks: 1, spend: '1000' }),
      bucket('social', 'camp-2', 'ad-2', {
        clicks: 1,
        conversions: 1,
        revenue: '20000000',
        spend: '2001000',
        attributed: 1,
      }),
      bucket('unattributed', 'unattributed', '', { conversions: 2, revenue: '4000000' }),
    ])
    // GET /v1/kpis reads the same: how many conversions and how much revenue a click credited.
    const page = await new KpiStore(rig.client, db).rows({
      range: { from: now - 5 * 3600_000, to: now + 3600_000 },
      by: ['channel', 'campaign', 'ad'],
      filters: {},
      bucketing: undefined,
      sort: undefined,
      limit: 100,
      offset: 0,
    })
    expect(
      page.rows
        .filter((r) => r.conversions > 0)
        .map((r) => [
          r.channel,
          r.ad_id,
          r.conversions,
          r.attributed_conversions,
          String(r.attributed_revenue_micros),
        ]),
    ).toEqual([
      ['display', 'ad-e', 1, 1, '4000000'],
      ['email', '', 1, 0, '0'],
      ['search', 'ad-1', 2, 2, '15000000'],
      ['social', 'ad-2', 1, 1, '20000000'],
      ['unattributed', '', 2, 0, '0'],
    ])
    // events_raw keeps what each conversion reported beside its credit; E twice: waiting, then resolved.
    const raw =
      await query(`SELECT event_id, channel, campaign_id, ad_id, reported_channel, reported_campaign_id,
        reported_ad_id, attribution, resolution > 0 AS resolved
      FROM ${db}.events_raw WHERE type = 'conversion' ORDER BY event_id, resolved`)
    expect(raw.map((r) => [r.event_id, r.attribution, r.resolved])).toEqual([
      ['conv-a', 'click', 0],
      ['conv-b', 'click', 0],
      ['conv-c', 'click', 0],
      ['conv-d', 'waiting', 0],
      ['conv-d', 'unattributed', 1],
      ['conv-e', 'waiting', 0],
      ['conv-e', 'click', 1],
      ['conv-f', 'waiting', 0],
      ['conv-f', 'unattributed', 1],
      ['conv-g', 'waiting', 0],
      ['conv-g', 'unattributed', 1],
    ])
    expect(raw.find((r) => r.event_id === 'conv-c')).toMatchObject({
      channel: 'search',
      campaign_id: 'camp-1',
      ad_id: 'ad-1',
      reported_channel: 'email',
      reported_campaign_id: 'camp-x',
      reported_ad_id: 'ad-x',
    })
  })
})

const figures = (channel: string, [mc, mr]: [number, string], [uc, ur]: [number, string]) => ({
  channel,
  matched: { conversions: mc, revenue_micros: mr },
  waiting: { conversions: 0, revenue_micros: '0' },
  unattributed: { conversions: uc, revenue_micros: ur },
})

const bucket = (
  channel: string,
  campaign_id: string,
  ad_id: string,
  sums: { clicks?: number; conversions?: number; revenue?: string; spend?: string; attributed?: number },
) => ({
  channel,
  campaign_id,
  ad_id,
  clicks: sums.clicks ?? 0,
  conversions: sums.conversions ?? 0,
  revenue: sums.revenue ?? '0',
  spend: sums.spend ?? '0',
  attributed: sums.attributed ?? 0,
  attributed_revenue: (sums.attributed ?? 0) > 0 ? (sums.revenue ?? '0') : '0',
})
