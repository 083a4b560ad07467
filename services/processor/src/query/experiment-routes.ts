import type { EventContract } from '@adpulse/events'
import { type AdSums, compareAds, type ExperimentResult } from '@adpulse/experiments'
import type { FastifyInstance, FastifyReply } from 'fastify'
import {
  type CampaignKey,
  type ExperimentQuery,
  nextExperimentCursor,
  parseExperimentQuery,
} from './experiment-query.ts'
import type { KpiReader } from './kpi-reader.ts'

/** Ad rows read for one answer: a window with more ads than this is refused, to be narrowed by campaign. */
export const MAX_EXPERIMENT_AD_ROWS = 50_000

interface CampaignAds extends CampaignKey {
  ads: AdSums[]
}

/**
 * GET /v1/experiments: the creative test of every campaign with two or more
 * ads in a window (packages/experiments, docs/experiments.md), a page of
 * campaigns at a time, ordered by channel then campaign_id.
 */
export function registerExperimentRoutes(
  app: FastifyInstance,
  reader: Pick<KpiReader, 'rows'>,
  contract?: Pick<EventContract, 'maxIdLength' | 'maxActionLength'>,
  now: () => number = Date.now,
): void {
  app.get('/v1/experiments', async (request, reply) => {
    const parsed = parseExperimentQuery(request.query as Record<string, unknown>, now(), contract)
    if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.error })
    const query = parsed.value
    const grouped = await adsByCampaign(reader, query)
    if (grouped === null) {
      const message = `more than ${MAX_EXPERIMENT_AD_ROWS} ads in the window: narrow it with campaign_id or channel`
      return reply.code(400).send({ error: 'bad_request', message })
    }
    const campaigns = grouped.filter((c) => c.ads.length >= 2)
    const asked = query.filters.campaign_id
    // A campaign asked by name that cannot be tested is an answer of its own, not an empty page.
    if (asked !== undefined && campaigns.length === 0) return noTest(reply, asked, grouped)
    const after = query.after
    const rest = after === undefined ? campaigns : campaigns.filter((c) => compareKeys(c, after) > 0)
    const page = rest.slice(0, query.limit)
    const { window, range } = query
    return {
      window,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      metric: query.metric,
      confidence: query.confidence,
      min_lift: query.minLift ?? null,
      campaigns: page.map((c) => experimentJson(c, compareAds(c.ads, query.metric, query))),
      next_cursor: nextExperimentCursor(query, page.at(-1), rest.length > page.length),
    }
  })
}

/** 404 for a campaign with no ad in the window, 422 for one with a single ad: a test compares two or more. */
function noTest(reply: FastifyReply, campaignId: string, grouped: readonly CampaignAds[]) {
  const ads = grouped.flatMap((c) => c.ads.map((ad) => ad.ad_id))
  if (ads.length === 0) {
    const message = `campaign_id "${campaignId}" has no events with an ad_id in the window`
    return reply.code(404).send({ error: 'not_found', message })
  }
  const message =
    `campaign_id "${campaignId}" has one ad in the window (${ads.join(', ')}): ` +
    'a creative test compares two or more ads of a campaign'
  return reply.code(422).send({ error: 'one_ad', message })
}

/** The window's per-ad sums grouped by campaign, in key order; null past the cap. */
async function adsByCampaign(
  reader: Pick<KpiReader, 'rows'>,
  query: ExperimentQuery,
): Promise<CampaignAds[] | null> {
  const { rows, more } = await reader.rows({
    range: query.range,
    by: ['channel', 'campaign', 'ad'],
    filters: query.filters,
    limit: MAX_EXPERIMENT_AD_ROWS,
    offset: 0,
  })
  if (more) return null
  const byCampaign = new Map<string, CampaignAds>()
  for (const row of rows) {
    const channel = row.channel ?? ''
    const campaign_id = row.campaign_id ?? ''
    // Events without an ad are no arm of a test.
    if (!row.ad_id) continue
    const key = JSON.stringify([channel, campaign_id])
    const campaign = byCampaign.get(key) ?? { channel, campaign_id, ads: [] }
    byCampaign.set(key, campaign)
    const { impressions, clicks, conversions, revenue_micros } = row
    campaign.ads.push({ ad_id: row.ad_id, impressions, clicks, conversions, revenue_micros })
  }
  return [...byCampaign.values()].sort(compareKeys)
}

function compareKeys(a: CampaignKey, b: CampaignKey): number {
  if (a.channel !== b.channel) return a.channel < b.channel ? -1 : 1
  return a.campaign_id < b.campaign_id ? -1 : a.campaign_id > b.campaign_id ? 1 : 0
}

/**
 * One campaign's answer; money as strings of micros, revenue per impression in
 * micros. lift_vs_best is from what decides `winner` (compareAds): its upper
 * end is below 0 exactly when the winner is declared over that ad.
 */
function experimentJson(campaign: CampaignAds, result: ExperimentResult) {
  return {
    campaign_id: campaign.campaign_id,
    channel: campaign.channel,
    metric: result.metric,
    status: result.status,
    confidence: result.confidence,
    min_lift: result.minLift,
    best_ad_id: result.bestAdId,
    ads: result.ads.map((ad) => ({
      ad_id: ad.ad_id,
      impressions: ad.impressions,
      clicks: ad.clicks,
      conversions: ad.conversions,
      revenue_micros: String(ad.revenue_micros),
      estimate: ad.estimate,
      interval: [ad.interval.lower, ad.interval.upper],
      lift_vs_best: ad.lift && { estimate: ad.lift.estimate, interval: [ad.lift.lower, ad.lift.upper] },
      probability_best: ad.probabilityBest,
    })),
  }
}
