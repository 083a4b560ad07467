import { describe, expect, it } from 'vitest'
import { type Condition, holds, type Lookup, namesIn, parseCondition } from './conditions.ts'

const NAMES = new Set(['roi', 'ctr', 'cvr', 'spend_micros', 'clicks', 'conversions', 'cpa_target_micros'])
const parse = (text: string): Condition => {
  const result = parseCondition(text, NAMES)
  if (!result.ok) throw new Error(result.error)
  return result.condition
}
const exact =
  (values: Record<string, number | null>): Lookup =>
  (name) => {
    const v = values[name]
    return v === undefined || v === null ? null : { lower: v, upper: v }
  }

describe('parseCondition', () => {
  it('parses comparisons, products, and/or with and binding tighter, parentheses', () => {
    expect(parse('roi < 0')).toEqual({
      kind: 'compare',
      left: { kind: 'name', name: 'roi', factor: 1 },
      op: '<',
      right: { kind: 'number', value: 0 },
    })
    expect(parse('spend_micros > 2 * cpa_target_micros')).toMatchObject({
      right: { kind: 'name', name: 'cpa_target_micros', factor: 2 },
    })
    expect(parse('spend_micros > cpa_target_micros × 2.5')).toMatchObject({
      right: { kind: 'name', name: 'cpa_target_micros', factor: 2.5 },
    })
    expect(parse('roi < 0 or ctr < 0.001 and clicks > 100')).toMatchObject({
      kind: 'or',
      terms: [{ kind: 'compare' }, { kind: 'and' }],
    })
    expect(parse('(roi < 0 or ctr < 0.001) AND clicks > 100')).toMatchObject({
      kind: 'and',
      terms: [{ kind: 'or' }, { kind: 'compare' }],
    })
    expect(parse('conversions >= 1e3')).toMatchObject({ right: { value: 1000 } })
  })

  it('names what is wrong', () => {
    const error = (text: string) => {
      const result = parseCondition(text, NAMES)
      return result.ok ? 'parsed' : result.error
    }
    expect(error('')).toBe('empty condition')
    expect(error('roas < 1')).toMatch(/^unknown name "roas"; known: clicks, /)
    expect(error('roi = 0')).toMatch(/^unexpected "="/)
    expect(error('roi 0')).toBe('expected <, <=, > or >=, got 0')
    expect(error('roi < 0 clicks')).toBe('unexpected "clicks"')
    expect(error('(roi < 0')).toBe('expected )')
    expect(error('roi * ctr > 1')).toBe('a product must be a number times a name, got roi * ctr')
    expect(error('roi <')).toBe('expected a KPI, parameter or number, got the end')
  })

  it('lists the names a condition uses', () => {
    expect(namesIn(parse('(roi < 0 or ctr < 0.001) and spend_micros > 2 * cpa_target_micros'))).toEqual([
      'roi',
      'ctr',
      'spend_micros',
      'cpa_target_micros',
    ])
  })
})

describe('holds', () => {
  it('evaluates exact values like ordinary comparisons', () => {
    const c = parse('spend_micros > 2 * cpa_target_micros and conversions >= 3')
    expect(holds(c, exact({ spend_micros: 41, cpa_target_micros: 20, conversions: 3 }))).toBe(true)
    expect(holds(c, exact({ spend_micros: 40, cpa_target_micros: 20, conversions: 3 }))).toBe(false)
    expect(holds(c, exact({ spend_micros: 41, cpa_target_micros: 20, conversions: 2 }))).toBe(false)
    expect(holds(parse('roi < 0 or clicks > 5'), exact({ roi: 0.5, clicks: 6 }))).toBe(true)
  })

  it('needs the whole interval on the right side of the threshold', () => {
    const cut = parse('roi < 0')
    const scale = parse('roi > 1')
    const lookup =
      (lower: number, upper: number): Lookup =>
      (name) =>
        name === 'roi' ? { lower, upper } : null
    expect(holds(cut, lookup(-0.8, -0.1))).toBe(true)
    expect(holds(cut, lookup(-0.8, 0.3))).toBe(false) // could be profitable: no cut
    expect(holds(scale, lookup(1.2, 3))).toBe(true)
    expect(holds(scale, lookup(0.9, 3))).toBe(false) // could be below 1: no scale
    expect(holds(parse('roi <= -0.1'), lookup(-0.5, -0.1))).toBe(true)
    expect(holds(parse('roi >= 1'), lookup(1, 2))).toBe(true)
  })

  it('is false when a KPI is undefined (ROI without spend)', () => {
    expect(holds(parse('roi < 0'), exact({ roi: null }))).toBe(false)
    expect(holds(parse('roi > 0'), exact({ roi: null }))).toBe(false)
  })

  it('flips an interval multiplied by a negative factor', () => {
    const lookup: Lookup = () => ({ lower: 1, upper: 2 })
    // −1 × [1, 2] = [−2, −1]
    expect(holds(parse('0 > -1 * roi'), lookup)).toBe(true)
    expect(holds(parse('-1.5 > -1 * roi'), lookup)).toBe(false)
    expect(holds(parse('roi > 0.5'), lookup)).toBe(true)
  })
})
