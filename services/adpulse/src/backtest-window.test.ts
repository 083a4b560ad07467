import { rollingRange } from '@adpulse/kpi'
import { describe, expect, it } from 'vitest'
import { evaluationTimes, windowEndingAt } from './backtest-window.ts'

const T = Date.UTC(2026, 10, 22, 10, 0)

describe('backtest windows', () => {
  it('judges the minutes that had ended at the step, where rollingRange would count the next one', () => {
    expect(windowEndingAt(3_600_000, T)).toEqual({ from: T - 3_600_000, to: T })
    expect(rollingRange(3_600_000, T)).toEqual({ from: T - 3_600_000 + 60_000, to: T + 60_000 })
  })

  it('steps from `from` up to, not including, `to`', () => {
    expect(evaluationTimes(T, T + 3_600_000, 900_000)).toEqual([T, T + 900_000, T + 1_800_000, T + 2_700_000])
    expect(evaluationTimes(T, T + 1_000_000, 900_000)).toEqual([T, T + 900_000])
    expect(() => evaluationTimes(T, T + 1, 0)).toThrow(RangeError)
  })
})
