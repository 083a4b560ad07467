import { describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts'

const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, mixed, up to the bound and one past it', () => {
    for (const nest of [arrays, objects]) {
      expect(nestsDeeperThan(nest(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false)
      expect(nestsDeeperThan(nest(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true)
    }
    expect(nestsDeeperThan('[{"a":[{"b":[]}]}]', 5)).toBe(false)
    expect(nestsDeeperThan('[{"a":[{"b":[]}]}]', 4)).toBe(true)
  })

  it('measures depth, not the number of brackets: siblings do not add up', () => {
    const siblings = `[${Array(10_000).fill('[[1],{"a":{}}]').join(',')}]`
    expect(nestsDeeperThan(siblings, 4)).toBe(false)
    expect(nestsDeeperThan(siblings, 3)).toBe(true)
    expect(nestsDeeperThan('1', 0)).toBe(false)
    expect(nestsDeeperThan('', 0)).toBe(false)
  })

  it('does not count brackets inside strings, escaped quotes and backslashes included', () => {
    expect(nestsDeeperThan(JSON.stringify(['[[[[{{{{', '\\"[[[[', '\\', '"{{{{']), 1)).toBe(false)
    expect(nestsDeeperThan(JSON.stringify([['\\'], ['"']]), 1)).toBe(true)
  })

  it('answers 100,000 levels and 10 MB of them at once, without recursion', () => {
    expect(nestsDeeperThan(arrays(100_000), MAX_JSON_DEPTH)).toBe(true)
    expect(nestsDeeperThan(objects(100_000), MAX_JSON_DEPTH)).toBe(true)
    expect(nestsDeeperThan('['.repeat(10_000_000), MAX_JSON_DEPTH)).toBe(true)
  })

  it('agrees with the depth of any JSON value', () => {
    const depthOf = (v: unknown): number =>
      typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0
    const samples: unknown[] = [[], {}, [1, [2, [3]]], { a: { b: ['x]', { c: '"{' }] } }, 'a[b', null]
    for (const v of samples) {
      const text = JSON.stringify(v)
      expect(nestsDeeperThan(text, depthOf(v))).toBe(false)
      if (depthOf(v) > 0) expect(nestsDeeperThan(text, depthOf(v) - 1)).toBe(true)
    }
  })
})
