import { describe, expect, it } from 'vitest'
import { checkFullCompatibility, incompatiblePairs } from './compatibility.ts'
import { EVENT_V1, EVENT_V2, KNOWN_SCHEMAS, SCHEMA_HISTORY } from './schemas.ts'

/**
 * The gate on schema changes: every published version of a topic's value
 * schema must read every other (FULL compatibility), so producers and
 * consumers can be upgraded in any order. A new version that breaks this fails here.
 */
describe('published schemas', () => {
  for (const [subject, versions] of Object.entries(SCHEMA_HISTORY)) {
    it(`${subject}: every pair of versions is backward and forward compatible`, () => {
      expect(incompatiblePairs(versions)).toEqual([])
    })

    it(`${subject}: every version is in the built-in table under its id`, () => {
      for (const version of versions) expect(KNOWN_SCHEMAS.get(version.id)).toBe(version.schema)
    })
  }
})

describe('the compatibility check', () => {
  const withField = (field: object) => ({ ...EVENT_V1, fields: [...EVENT_V1.fields, field] })

  it('accepts a new optional field with a default', () => {
    const v2 = withField({ name: 'placement', type: ['null', 'string'], default: null })
    expect(checkFullCompatibility(EVENT_V1, v2)).toBeNull()
    expect(
      incompatiblePairs([
        { id: 1, schema: EVENT_V1 },
        { id: 2, schema: v2 },
      ]),
    ).toEqual([])
  })

  it('refuses a new field without a default: old records cannot be read by the new reader', () => {
    const v2 = withField({ name: 'placement', type: 'string' })
    expect(checkFullCompatibility(EVENT_V1, v2)).toMatchObject({ direction: 'backward' })
  })

  it('refuses removing a required field: new records cannot be read by the old reader', () => {
    const v2 = { ...EVENT_V1, fields: EVENT_V1.fields.filter((f) => f.name !== 'campaign_id') }
    expect(checkFullCompatibility(EVENT_V1, v2)).toMatchObject({ direction: 'forward' })
  })

  it('refuses changing the type of a field', () => {
    const v2 = {
      ...EVENT_V1,
      fields: EVENT_V1.fields.map((f) => (f.name === 'occurred_at' ? { ...f, type: 'string' } : f)),
    }
    expect(checkFullCompatibility(EVENT_V1, v2)).not.toBeNull()
  })

  it('checks every pair, not only neighbours: a deliberately incompatible version fails the gate', () => {
    const v2 = withField({ name: 'placement', type: ['null', 'string'], default: null })
    const v3 = { ...EVENT_V1, fields: EVENT_V1.fields.filter((f) => f.name !== 'source') }
    const problems = incompatiblePairs([
      { id: 1, schema: EVENT_V1 },
      { id: 2, schema: v2 },
      { id: 3, schema: v3 },
    ])
    expect(problems.map((p) => [p.older, p.newer, p.problem.direction])).toEqual([
      [1, 3, 'forward'],
      [2, 3, 'forward'],
    ])
  })
})

describe('an incompatible v3 of the event schema', () => {
  const history = SCHEMA_HISTORY.events
  const v3With = (fields: readonly object[]) => ({ ...EVENT_V2, fields })
  const gate = (v3: object) => incompatiblePairs([...history, { id: 3, schema: v3 }])

  it('is refused for a new required field without default, naming the field', () => {
    const v3 = v3With([...EVENT_V2.fields, { name: 'placement', type: 'string' }])
    const detail = 'field "placement" has no default, and records written without it cannot be read'
    expect(gate(v3)).toEqual([
      { older: 1, newer: 3, problem: { direction: 'backward', detail } },
      { older: 2, newer: 3, problem: { direction: 'backward', detail } },
    ])
  })

  it('is refused for a changed field type, naming the field and the types', () => {
    const v3 = v3With(
      EVENT_V2.fields.map((f) => (f.name === 'cost_micros' ? { ...f, type: ['null', 'string'] } : f)),
    )
    expect(checkFullCompatibility(EVENT_V2, v3)).toEqual({
      direction: 'backward',
      detail: expect.stringMatching(/^field "cost_micros": /),
    })
    expect(gate(v3).map((p) => [p.older, p.newer])).toEqual([
      [1, 3],
      [2, 3],
    ])
  })

  it('is refused for an enum that drops a symbol and has no default, naming the symbol', () => {
    const type = {
      type: 'enum',
      name: 'EventType',
      symbols: ['impression', 'click', 'conversion', 'interaction'],
    }
    const v3 = v3With(EVENT_V2.fields.map((f) => (f.name === 'type' ? { name: 'type', type } : f)))
    expect(checkFullCompatibility(EVENT_V2, v3)).toEqual({
      direction: 'backward',
      detail: `field "type": the writer's symbols "engagement" are not in the reader's enum, which has no default`,
    })
    // v1 never wrote an engagement, and v1's default reads v3's new symbol: only v2 → v3 breaks.
    expect(gate(v3).map((p) => [p.older, p.newer, p.problem.direction])).toEqual([[2, 3, 'backward']])
  })

  it('accepts a v3 with a new optional field: the gate is not a blanket refusal', () => {
    expect(
      gate(v3With([...EVENT_V2.fields, { name: 'placement', type: ['null', 'string'], default: null }])),
    ).toEqual([])
  })
})
