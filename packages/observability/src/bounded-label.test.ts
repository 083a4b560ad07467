import { describe, expect, it } from 'vitest'
import { boundedLabel } from './bounded-label.ts'

describe('boundedLabel', () => {
  it('keeps the first max distinct values and maps every later one to the overflow', () => {
    const label = boundedLabel(2)
    expect(['search', 'social', 'search', 'display', 'email', 'social'].map(label)).toEqual([
      'search',
      'social',
      'search',
      'other',
      'other',
      'social',
    ])
  })

  it('never grows past max + 1 values, whatever comes', () => {
    const label = boundedLabel(50)
    const seen = new Set(Array.from({ length: 10_000 }, (_, i) => label(`channel-${i}`)))
    expect(seen.size).toBe(51)
    expect(seen.has('other')).toBe(true)
  })

  it('does not spend a slot on a value equal to the overflow label', () => {
    const label = boundedLabel(1, 'other')
    expect(label('other')).toBe('other')
    expect(label('search')).toBe('search')
    expect(label('social')).toBe('other')
  })
})
