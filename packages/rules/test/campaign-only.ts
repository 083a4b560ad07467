import type { MinuteBucket } from '@adpulse/kpi'

/**
 * A fixture of tests only (`@adpulse/rules/testing`): a rules file whose rules
 * all judge campaigns, and the minute buckets of three campaigns, one of which
 * spends without converting. The alerter's and the backtest's tests run it
 * through their real ClickHouse read path, so the two are judged on the same data.
 */
export const UNIT = 1_000_000

export const CAMPAIGN_RULES_YAML = `rules:
  - name: cut-campaigns
    scope: campaign
    window: 1h
    action: CUT
    when: roi < 0
    exit: roi > 0.2
    min_evidence: { spend_micros: 100000000, clicks: 50 }
    confidence: 0.9
  - name: scale-campaigns
    scope: campaign
    window: 1h
    action: SCALE
    when: roi > 1
    exit: roi < 0.8
    min_evidence: { spend_micros: 100000000, conversions: 5 }
    confidence: 0.9
`

/**
 * One minute of three campaigns: display/d1 converts 3 × 5 units on 10 (ROI +0.5),
 * search/s1 2 × 8 units on 10 (ROI +0.6), neither certain of a cut or a scale;
 * display/dud spends 20 units on 20 clicks and never converts.
 */
export function campaignBucketsAt(minute: number): MinuteBucket[] {
  const bucket = (channel: string, campaign: string, spend: number, n: number, value: number) => ({
    minute,
    channel,
    campaign_id: campaign,
    impressions: 500,
    clicks: 20,
    conversions: n,
    spend_micros: BigInt(spend * UNIT),
    revenue_micros: BigInt(n * value * UNIT),
    revenue_squares: n * (value * UNIT) ** 2,
  })
  return [
    bucket('display', 'd1', 10, 3, 5),
    bucket('display', 'dud', 20, 0, 0),
    bucket('search', 's1', 10, 2, 8),
  ]
}
