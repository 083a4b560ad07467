import { describe, expect, it } from 'vitest'
import { NAMED_WINDOWS, rollingRange } from './windows.ts'

const at = (iso: string) => Date.parse(iso)

describe('NAMED_WINDOWS', () => {
  it('has the windows of the KPI API in milliseconds', () => {
    expect(NAMED_WINDOWS).toEqual({ '15m': 900_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 })
  })
})

describe('rollingRange', () => {
  it('ends at the end of the current minute and spans the window', () => {
    expect(rollingRange(3_600_000, at('2026-11-22T10:30:15.500Z'))).toEqual({
      from: at('2026-11-22T09:31:00Z'),
      to: at('2026-11-22T10:31:00Z'),
    })
  })

  it('counts the minute that just began when now is on a minute boundary', () => {
    expect(rollingRange(900_000, at('2026-11-22T10:30:00.000Z'))).toEqual({
      from: at('2026-11-22T10:16:00Z'),
      to: at('2026-11-22T10:31:00Z'),
    })
  })

  it('still ends at the same minute on its last millisecond', () => {
    expect(rollingRange(900_000, at('2026-11-22T10:30:59.999Z'))).toEqual({
      from: at('2026-11-22T10:16:00Z'),
      to: at('2026-11-22T10:31:00Z'),
    })
  })

  it('spans days for 24h and 7d windows', () => {
    const now = at('2026-11-22T23:59:30Z')
    expect(rollingRange(86_400_000, now)).toEqual({
      from: at('2026-11-23T00:00:00Z') - 86_400_000,
      to: at('2026-11-23T00:00:00Z'),
    })
    expect(rollingRange(604_800_000, now)).toEqual({
      from: at('2026-11-16T00:00:00Z'),
      to: at('2026-11-23T00:00:00Z'),
    })
  })

  it('gives minute boundaries for every named window', () => {
    const now = at('2026-11-22T10:30:15.500Z')
    for (const ms of Object.values(NAMED_WINDOWS)) {
      const { from, to } = rollingRange(ms, now)
      expect(from % 60_000).toBe(0)
      expect(to % 60_000).toBe(0)
      expect(to - from).toBe(ms)
      expect(from <= now && now < to).toBe(true)
    }
  })
})
