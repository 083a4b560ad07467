import { describe, expect, it } from 'vitest'
import { defaultRulesDocument } from './default-rules.ts'
import { parseRules, type Rule } from './rule-config.ts'

const cut = {
  name: 'cut-losers',
  action: 'CUT',
  when: 'roi < 0',
  exit: 'roi > 0.2',
}
const scale = { name: 'scale-winners', action: 'SCALE', when: 'roi > 1', exit: 'roi < 0.8' }

const rulesOf = (...rules: object[]): Rule[] => {
  const result = parseRules({ rules })
  if (!result.ok) throw new Error(result.errors.join('\n'))
  return result.rules
}
const errorsOf = (...rules: object[]): string[] => {
  const result = parseRules({ rules })
  return result.ok ? [] : result.errors
}

describe('parseRules', () => {
  it('fills defaults', () => {
    const [rule] = rulesOf(cut)
    expect(rule).toMatchObject({
      name: 'cut-losers',
      scope: 'channel',
      channels: [],
      campaigns: [],
      windowMs: 3_600_000,
      action: 'CUT',
      budgetChangePct: -100,
      maxTotalChangePct: 100,
      minEvidence: { spendMicros: 0n, clicks: 0, conversions: 0 },
      confidence: 0.9,
      cooldownMs: 3_600_000,
      params: {},
    })
    expect(rulesOf(scale)[0]).toMatchObject({ budgetChangePct: 20, maxTotalChangePct: 100 })
  })

  it('reads every field', () => {
    const [rule] = rulesOf({
      name: 'cpa-guard',
      scope: 'campaign',
      filter: { channels: ['search'], campaigns: ['c1', 'c2'] },
      window: '24h',
      action: 'CUT',
      budget_change_pct: -30,
      max_total_change_pct: 60,
      when: 'spend_micros > 2 * cpa_target_micros and conversions < 1',
      exit: 'conversions >= 2',
      min_evidence: { spend_micros: '123456789012345678901', clicks: 100, conversions: 0 },
      confidence: 0.95,
      cooldown: '30m',
      params: { cpa_target_micros: 20_000_000 },
    })
    expect(rule).toMatchObject({
      scope: 'campaign',
      channels: ['search'],
      campaigns: ['c1', 'c2'],
      windowMs: 86_400_000,
      budgetChangePct: -30,
      maxTotalChangePct: 60,
      minEvidence: { spendMicros: 123456789012345678901n, clicks: 100, conversions: 0 },
      confidence: 0.95,
      cooldownMs: 1_800_000,
      params: { cpa_target_micros: 20_000_000 },
    })
  })

  it('names the rule and the field of every problem', () => {
    expect(
      errorsOf({
        name: 'Bad Name',
        action: 'PAUSE',
        when: 'roi <',
        window: '30s',
        confidence: 1.5,
        min_evidence: { clicks: -1, spend: 1 },
        colour: 'red',
      }),
    ).toEqual([
      'rule #1: name: expected a slug of a-z, 0-9, _ and -, got "Bad Name"',
      'rule #1: colour: unknown field',
      'rule #1: window: must be at least 1m (buckets are minutes)',
      'rule #1: action: expected CUT, SCALE, PAUSE_AD or PROMOTE_AD, got "PAUSE"',
      'rule #1: when: expected a KPI, parameter or number, got the end',
      'rule #1: exit: expected a condition such as "roi < 0", got nothing',
      'rule #1: min_evidence.spend: unknown field',
      'rule #1: min_evidence.clicks: expected an integer >= 0, got -1',
      'rule #1: confidence: expected a number from 0.5 to 0.999, got 1.5',
    ])
    expect(errorsOf({ ...cut, budget_change_pct: 10 })).toEqual([
      'rule "cut-losers": budget_change_pct: a CUT lowers the budget: expected -100 (pause) to -1, got 10',
    ])
    expect(errorsOf({ ...cut, params: { roi: 1, target: 'x' } })).toEqual([
      'rule "cut-losers": params.roi: expected a lowercase name that is not a KPI name',
      'rule "cut-losers": params.target: expected a number, got "x"',
    ])
    expect(errorsOf(cut, cut)).toEqual(['rule "cut-losers": name: used by another rule'])
    expect(parseRules({ rules: [] })).toEqual({
      ok: false,
      errors: ['rules: expected a non-empty list under "rules"'],
    })
    expect(parseRules('rules')).toMatchObject({ ok: false })
  })

  it('accepts the default rules', () => {
    const result = parseRules(defaultRulesDocument(3_600_000, 10_000_000n))
    expect(result.ok).toBe(true)
  })
})

describe('conflicts', () => {
  it('accepts CUT and SCALE whose conditions exclude each other on the same window', () => {
    expect(errorsOf(cut, scale)).toEqual([])
    // and inside a conjunction, against a threshold written the other way round
    expect(errorsOf(cut, { ...scale, when: 'clicks > 10 and 1 < roi' })).toEqual([])
    // or with disjoint filters, or scopes that never meet
    expect(errorsOf({ ...cut, when: 'ctr < 0.01' }, { ...scale, filter: { channels: ['x'] } }).length).toBe(1)
    expect(
      errorsOf(
        { ...cut, when: 'ctr < 0.01', filter: { channels: ['y'] } },
        { ...scale, filter: { channels: ['x'] } },
      ),
    ).toEqual([])
    expect(errorsOf({ ...cut, when: 'ctr < 0.01', scope: 'campaign' }, scale)).toEqual([])
  })

  it('reports rules that could order CUT and SCALE on one entity at once', () => {
    const conflict =
      'rules "cut-losers" (CUT) and "scale-winners" (SCALE) could order both on the same entity at once: ' +
      'give them disjoint filters or scopes, or "when" conditions on the same window that exclude each other (such as roi < 0 and roi > 1)'
    // overlapping thresholds
    expect(errorsOf({ ...cut, when: 'roi < 1.5' }, scale)).toEqual([conflict])
    // different KPIs: nothing proves they exclude each other
    expect(errorsOf({ ...cut, when: 'cvr < 0.01' }, scale)).toEqual([conflict])
    // the same thresholds on different windows are different quantities
    expect(errorsOf({ ...cut, window: '1h' }, { ...scale, window: '24h' })).toEqual([conflict])
    // an `or` branch that can meet the other rule
    expect(errorsOf({ ...cut, when: 'roi < 0 or ctr < 0.001' }, scale)).toEqual([conflict])
    // `both` meets `campaign`
    expect(
      errorsOf(
        { ...cut, when: 'roi <= 1', scope: 'both' },
        { ...scale, when: 'roi >= 1', scope: 'campaign' },
      ),
    ).toEqual([conflict])
  })

  it('treats touching bounds as exclusive only when one of them is strict', () => {
    expect(errorsOf({ ...cut, when: 'roi < 1' }, { ...scale, when: 'roi >= 1' })).toEqual([])
    expect(errorsOf({ ...cut, when: 'roi <= 1' }, { ...scale, when: 'roi >= 1' })).toHaveLength(1)
  })

  it('reads bounds through factors, negative ones flipping the comparison', () => {
    // −2·roi > 0  ⇔  roi < 0
    expect(errorsOf({ ...cut, when: '-2 * roi > 0' }, scale)).toEqual([])
    // 2·roi < 3  ⇔  roi < 1.5: meets roi > 1
    expect(errorsOf({ ...cut, when: '2 * roi < 3' }, scale)).toHaveLength(1)
  })
})
