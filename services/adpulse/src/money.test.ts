import { describe, expect, it } from 'vitest'
import { formatMicros, percentOfMicros } from './money.ts'

describe('formatMicros', () => {
  it('prints units with all six decimals, exactly', () => {
    expect(formatMicros(0n)).toBe('0.000000')
    expect(formatMicros(1n)).toBe('0.000001')
    expect(formatMicros(12_345_678n)).toBe('12.345678')
    expect(formatMicros(-1_500_000n)).toBe('-1.500000')
    expect(formatMicros(-7n)).toBe('-0.000007')
    // far past 2^64 micros: no float on the way
    expect(formatMicros(2n ** 70n + 1n)).toBe('1180591620717411.303425')
  })
})

describe('percentOfMicros', () => {
  it('takes the percent of the amount, ignoring its sign, truncated to whole micros', () => {
    expect(percentOfMicros(3_600_002_520n, 33)).toBe(1_188_000_831n) // 1 188 000 831.6
    expect(percentOfMicros(1_000_000n, -100)).toBe(1_000_000n)
    expect(percentOfMicros(99n, 1)).toBe(0n)
    expect(percentOfMicros(2n ** 80n, 20)).toBe((2n ** 80n * 20n) / 100n)
  })
  it('refuses a fractional percent', () => {
    expect(() => percentOfMicros(1n, 0.5)).toThrow(RangeError)
  })
})
