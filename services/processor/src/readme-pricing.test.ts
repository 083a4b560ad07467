import { readFileSync } from 'node:fs'
import type { AdEvent } from '@adpulse/events'
import { costOf, parsePricingTable } from '@adpulse/pricing'
import { describe, expect, it } from 'vitest'

/** The README's pricing file example is a pricing file the processor reads, and charges as the README says. */
describe("README's pricing example", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('\n## Pricing\n'))
  const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1] ?? ''
  const parsed = parsePricingTable(JSON.parse(json))

  const event = (over: Partial<AdEvent>) =>
    ({
      type: 'click',
      channel: 'search',
      campaign_id: 'c',
      cost_micros: null,
      value_micros: null,
      action: null,
      ...over,
    }) as const

  it('parses, and prices each model as the prose below it says', () => {
    if (!parsed.ok) throw new Error(parsed.errors.join('; '))
    const { table } = parsed
    expect(costOf(event({}), table)).toBe(1_200_000n)
    expect(costOf(event({ type: 'impression', channel: 'display' }), table)).toBe(3_500n)
    expect(
      costOf(event({ type: 'conversion', channel: 'social', action: 'lead', value_micros: 0n }), table),
    ).toBe(18_000_000n)
    const buzz = { type: 'engagement', campaign_id: 'buzz-2026', channel: 'social' } as const
    expect(costOf(event({ ...buzz, action: 'share' }), table)).toBe(45_000n)
    expect(costOf(event({ ...buzz, action: 'follow' }), table)).toBe(0n)
    const launch = { type: 'engagement', campaign_id: 'launch-video', channel: 'social' } as const
    expect(costOf(event({ ...launch, action: 'video_view' }), table)).toBe(12_000n)
    expect(costOf(event({ ...launch, action: 'like' }), table)).toBe(0n)
    // Under a model for other events, an engagement costs nothing.
    expect(costOf(event({ type: 'engagement', channel: 'search', action: 'like' }), table)).toBe(0n)
  })
})
