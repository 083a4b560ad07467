import { describe, expect, it } from 'vitest'
import { coresBusy, parseMachineStat, parseStat } from './cpu-usage.ts'

describe('parseStat', () => {
  it('reads the parent pid and utime + stime, whatever the command name holds', () => {
    const line =
      '4242 (node (vitest) 1) S 4200 4242 4200 0 -1 4194560 1000 0 0 0 1234 566 0 0 20 0 11 0 100 1000 500 18446744073709551615'
    expect(parseStat(line)).toEqual({ ppid: 4200, cpuSeconds: 18 })
  })

  it('refuses a line that is not a stat line', () => {
    expect(() => parseStat('nonsense')).toThrow(/not a \/proc stat line/)
  })
})

describe('parseMachineStat', () => {
  it('adds every busy column of the first line and leaves idle and iowait out', () => {
    const text = 'cpu  100 20 30 5000 70 4 6 10 0 0\ncpu0 50 10 15 2500 35 2 3 5 0 0\n'
    expect(parseMachineStat(text)).toBeCloseTo((100 + 20 + 30 + 4 + 6 + 10) / 100)
  })
})

describe('coresBusy', () => {
  it('divides each difference by the seconds between the samples; the rest is what neither process used', () => {
    const before = { machine: 10, tree: 4, self: 1 }
    const after = { machine: 30, tree: 14, self: 3 }
    expect(coresBusy(before, after, 10)).toEqual({ machine: 2, tree: 1, self: 0.2, rest: 0.8 })
  })
})
