import type { TimeRange } from '@adpulse/kpi'
import { describe, expect, it } from 'vitest'
import { type EntityWindowSums, evaluateRules } from './evaluate-rules.ts'
import { parseRules, type Rule } from './rule-config.ts'
import { readWindowSums, type SumsGrouping, sumsNeeded } from './window-sums.ts'

const HOUR = 3_600_000
const NOW = Date.UTC(2026, 10, 22, 12, 0)
const UNIT = 1_000_000

const rulesOf = (...rules: object[]): Rule[] => {
  const result = parseRules({ rules })
  if (!result.ok) throw new Error(result.errors.join('\n'))
  return result.rules
}
const rule = (name: string, scope: string, window = '1h') => ({
  name,
  scope,
  window,
  action: 'CUT',
  when: 'roi < 0',
  exit: 'roi > 0.2',
  min_evidence: { spend_micros: 100 * UNIT, clicks: 50 },
})

/** n conversions of 10 units against `spend` units. */
const sums = (spend: number, n: number): Omit<EntityWindowSums, 'channel'> => ({
  impressions: 10_000,
  clicks: 200,
  conversions: n,
  spend_micros: BigInt(spend * UNIT),
  revenue_micros: BigInt(n * 10 * UNIT),
  revenue_squares: n * (10 * UNIT) ** 2,
})
/** display/dud spends 1000 units without a conversion; display/d1 and search/s1 convert at ROI +1. */
const CAMPAIGNS: EntityWindowSums[] = [
  { channel: 'display', campaign_id: 'd1', ...sums(500, 100) },
  { channel: 'display', campaign_id: 'dud', ...sums(1000, 0) },
  { channel: 'search', campaign_id: 's1', ...sums(500, 100) },
]
const CHANNELS: EntityWindowSums[] = [
  { channel: 'display', ...sums(1500, 100) },
  { channel: 'search', ...sums(500, 100) },
]

/** A reader that records what it is asked and answers from the rows above. */
function recordingReader() {
  const asked: Array<[TimeRange, SumsGrouping]> = []
  const read = async (range: TimeRange, by: SumsGrouping) => {
    asked.push([range, by])
    return by === 'channel' ? CHANNELS : CAMPAIGNS
  }
  return { asked, read }
}
const endingAtNow = (windowMs: number): TimeRange => ({ from: NOW - windowMs, to: NOW })

describe('sumsNeeded', () => {
  it('always reads the channels, which the value prior is estimated over; campaigns when a rule judges them', () => {
    expect(sumsNeeded(rulesOf(rule('a', 'channel')))).toEqual({ windowsMs: [HOUR], groupings: ['channel'] })
    expect(sumsNeeded(rulesOf(rule('a', 'campaign')))).toEqual({
      windowsMs: [HOUR],
      groupings: ['channel', 'campaign'],
    })
    expect(sumsNeeded(rulesOf(rule('a', 'both'), rule('b', 'channel')))).toEqual({
      windowsMs: [HOUR],
      groupings: ['channel', 'campaign'],
    })
  })

  it('names each window once, in the order the rules first use it', () => {
    const rules = rulesOf(rule('a', 'campaign', '1d'), rule('b', 'campaign'), rule('c', 'campaign', '1d'))
    expect(sumsNeeded(rules).windowsMs).toEqual([24 * HOUR, HOUR])
  })
})

describe('readWindowSums', () => {
  it('reads one grouping per window at the range it is given, shared by the rules on that window', async () => {
    const { asked, read } = recordingReader()
    const rules = rulesOf(rule('a', 'campaign', '1d'), rule('b', 'campaign'), rule('c', 'campaign', '1d'))
    const windows = await readWindowSums(rules, endingAtNow, read)
    const day = endingAtNow(24 * HOUR)
    const hour = endingAtNow(HOUR)
    expect(asked).toEqual([
      [day, 'channel'],
      [day, 'campaign'],
      [hour, 'channel'],
      [hour, 'campaign'],
    ])
    expect(windows.get(HOUR)).toEqual({ range: hour, channels: CHANNELS, campaigns: CAMPAIGNS })
  })

  it('leaves the campaigns unread when every rule judges channels', async () => {
    const { asked, read } = recordingReader()
    const windows = await readWindowSums(rulesOf(rule('a', 'channel')), endingAtNow, read)
    expect(asked.map(([, by]) => by)).toEqual(['channel'])
    expect(windows.get(HOUR)?.campaigns).toEqual([])
  })

  it('lets campaign-only rules cut a campaign that spends without converting', async () => {
    const rules = rulesOf(rule('cut-campaigns', 'campaign'))
    const windows = await readWindowSums(rules, endingAtNow, recordingReader().read)
    const { signals } = evaluateRules(rules, windows, new Map(), NOW)
    // Priced at the shop's 10 units a conversion: revenue at most 10 × U(0, 0.1) = 36.2 for 1000 spent.
    expect(signals.map((s) => [s.rule, s.channel, s.campaign_id, s.action])).toEqual([
      ['cut-campaigns', 'display', 'dud', 'CUT'],
    ])
    expect(signals[0]?.roi_upper).toBeCloseTo((10 * 3.615 - 1000) / 1000, 3)
    // Without the channels (what was read before) no conversion has a value, and nothing is cut.
    const withoutChannels = new Map([...windows].map(([ms, w]) => [ms, { ...w, channels: [] }]))
    expect(evaluateRules(rules, withoutChannels, new Map(), NOW).signals).toEqual([])
  })
})
