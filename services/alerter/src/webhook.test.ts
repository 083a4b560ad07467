import { createServer, type Server } from 'node:http'
import type { Signal } from '@adpulse/events'
import { createLogger } from '@adpulse/observability'
import { afterEach, describe, expect, it } from 'vitest'
import { deliverWebhook, webhookBody } from './webhook.ts'

const signal: Signal = {
  signal_id: 'abc',
  action: 'CUT',
  scope: 'channel',
  channel: 'display',
  campaign_id: null,
  rule: 'cut',
  window_from: 0,
  window_to: 3_600_000,
  spend_micros: '9500000',
  revenue_micros: '2000000',
  conversions: 1,
  roi: -0.789,
  roi_lower: -0.9,
  roi_upper: -0.2,
  cut_below_roi: 0,
  scale_above_roi: Number.NaN,
  min_spend_micros: '0',
  budget_change_pct: -100,
  created_at: 3_600_000,
  condition: 'roi < 0',
  exit_condition: 'roi > 0.2',
  confidence: 0.9,
  ad_id: null,
}
const logger = createLogger('webhook-test', { level: 'silent' })

/** A receiver answering with the given statuses in turn, recording the bodies. */
async function receiver(statuses: number[]): Promise<{ url: string; bodies: unknown[]; server: Server }> {
  const bodies: unknown[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString()
    })
    request.on('end', () => {
      bodies.push(JSON.parse(body))
      response.writeHead(statuses[bodies.length - 1] ?? 200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { url: `http://127.0.0.1:${port}/hook`, bodies, server }
}

describe('deliverWebhook', () => {
  const servers: Server[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
  })

  it('retries on 5xx and 429 until the receiver takes it', async () => {
    const hook = await receiver([500, 429, 200])
    servers.push(hook.server)
    const results: boolean[] = []
    const ok = await deliverWebhook(signal, {
      url: hook.url,
      logger,
      backoffMs: 1,
      onResult: (r) => results.push(r),
    })
    expect(ok).toBe(true)
    expect(hook.bodies).toHaveLength(3)
    expect(results).toEqual([true])
  })

  it('gives up at once on a 4xx, and after the last attempt otherwise', async () => {
    const refused = await receiver([400])
    servers.push(refused.server)
    expect(await deliverWebhook(signal, { url: refused.url, logger, backoffMs: 1 })).toBe(false)
    expect(refused.bodies).toHaveLength(1)

    const down = await receiver([503, 503, 503])
    servers.push(down.server)
    expect(await deliverWebhook(signal, { url: down.url, logger, backoffMs: 1, attempts: 3 })).toBe(false)
    expect(down.bodies).toHaveLength(3)
  })

  it('sends Slack-compatible text and the signal itself, NaN as null', async () => {
    const hook = await receiver([200])
    servers.push(hook.server)
    await deliverWebhook(signal, { url: hook.url, logger })
    expect(hook.bodies[0]).toEqual({
      text: 'CUT display: pause. ROI -0.789 (-0.900 to -0.200), spend 9500000 micros, revenue 2000000 micros; rule cut (roi < 0).',
      signal: { ...signal, scale_above_roi: null },
    })
    expect(
      webhookBody({ ...signal, action: 'SCALE', budget_change_pct: 20, campaign_id: 'd1' }),
    ).toMatchObject({
      text: expect.stringMatching(/^SCALE display\/d1: budget \+20%\./),
    })
    const ad = { ...signal, scope: 'ad' as const, campaign_id: 'd1', ad_id: 'b', budget_change_pct: 0 }
    expect(webhookBody({ ...ad, action: 'PAUSE_AD' })).toMatchObject({
      text: expect.stringMatching(/^PAUSE_AD display\/d1\/b: pause the ad\./),
    })
    expect(webhookBody({ ...ad, action: 'PROMOTE_AD' })).toMatchObject({
      text: expect.stringMatching(/^PROMOTE_AD display\/d1\/b: promote the ad\./),
    })
  })
})
