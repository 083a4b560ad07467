import { createRegistry } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import { anEngagement, anEvent, pollUntil } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processorRig } from '../test/processor-rig.ts'

/**
 * Engagements through the real processor, on the run's broker and ClickHouse:
 * each lands in events_raw with type `engagement`, its action and the cost its
 * channel's CPE or CPV model gives it (an explicit cost still wins).
 */
describe('processor: engagements priced by CPE and CPV', () => {
  const rig = processorRig('engagement', { partitions: 1 })
  const { config } = rig
  beforeAll(() => rig.open())
  afterAll(() => rig.close())

  const pricing: PricingTable = {
    channels: new Map([
      ['social', { model: 'CPE', rate_micros: 45_000n, actions: ['like', 'share'] }],
      ['video', { model: 'CPV', rate_micros: 12_500n }],
    ]),
    campaigns: new Map(),
  }

  it('writes each engagement with its action and priced cost', async () => {
    const now = Date.now()
    const receivedAt = now - 1_000
    const at = { received_at: receivedAt }
    await rig.send([
      anEngagement({ event_id: 'like', action: 'like', ad_id: 'ad-1', user_id: 'u-1', ...at }, now),
      anEngagement({ event_id: 'follow', action: 'follow', ...at }, now),
      anEngagement({ event_id: 'share-paid', action: 'share', cost_micros: 7n, ...at }, now),
      anEngagement({ event_id: 'view', channel: 'video', action: 'video_view', ad_id: 'ad-2', ...at }, now),
      anEngagement({ event_id: 'view-like', channel: 'video', action: 'like', ...at }, now),
      anEvent({ event_id: 'click', channel: 'social', cost_micros: null, ...at }, now),
    ])
    await rig.start({ registry: createRegistry('processor'), pricing })

    const rows = await pollUntil(
      async () => {
        const result = await rig.client.query({
          query: `SELECT event_id, type, channel, action, ad_id, user_id,
              toString(cost_micros) AS cost_micros, toString(value_micros) AS value_micros
            FROM ${config.clickhouse.database}.events_raw ORDER BY event_id`,
          format: 'JSONEachRow',
        })
        return result.json<Record<string, unknown>>()
      },
      (seen) => seen.length >= 6,
      { what: 'six events in events_raw' },
    )
    const row = (event_id: string, channel: string, type: string, action: string, cost: string) => ({
      event_id,
      type,
      channel,
      action,
      cost_micros: cost,
      value_micros: '0',
    })
    expect(rows).toEqual([
      { ...row('click', 'social', 'click', '', '0'), ad_id: null, user_id: null },
      { ...row('follow', 'social', 'engagement', 'follow', '0'), ad_id: 'ad-1', user_id: null },
      { ...row('like', 'social', 'engagement', 'like', '45000'), ad_id: 'ad-1', user_id: 'u-1' },
      { ...row('share-paid', 'social', 'engagement', 'share', '7'), ad_id: 'ad-1', user_id: null },
      { ...row('view', 'video', 'engagement', 'video_view', '12500'), ad_id: 'ad-2', user_id: null },
      { ...row('view-like', 'video', 'engagement', 'like', '0'), ad_id: 'ad-1', user_id: null },
    ])

    // The buckets count an engagement's spend, never as a click or a conversion.
    const sums = await rig.client.query({
      query: `SELECT toString(sum(clicks)) AS clicks, toString(sum(conversions)) AS conversions,
          toString(sum(spend_micros)) AS spend
        FROM ${config.clickhouse.database}.kpi_buckets`,
      format: 'JSONEachRow',
    })
    expect(await sums.json()).toEqual([{ clicks: '1', conversions: '0', spend: '57507' }])
  })
})
