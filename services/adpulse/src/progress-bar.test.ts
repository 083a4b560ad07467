import { describe, expect, it } from 'vitest'
import { createProgressReporter, renderProgressBar } from './progress-bar.ts'

describe('renderProgressBar', () => {
  it('fills cells and percent by the steps done, rounding down', () => {
    expect(renderProgressBar(0, 24)).toBe('[....................] 0% 0/24 steps')
    expect(renderProgressBar(12, 27, 10)).toBe('[####......] 44% 12/27 steps')
    expect(renderProgressBar(23, 24)).toBe('[###################.] 95% 23/24 steps')
    expect(renderProgressBar(24, 24)).toBe('[####################] 100% 24/24 steps')
    expect(renderProgressBar(0, 0)).toBe('[####################] 100% 0/0 steps')
  })
})

const sink = (isTTY: boolean) => {
  const writes: string[] = []
  return { writes, isTTY, write: (text: string) => writes.push(text) }
}

describe('createProgressReporter', () => {
  it('redraws one line on a terminal when the percentage moves, and ends it', () => {
    const out = sink(true)
    const progress = createProgressReporter(out)
    for (let done = 1; done <= 400; done++) progress.update(done, 400)
    progress.finish()
    progress.finish()
    expect(out.writes).toHaveLength(102) // one redraw per percent 0 to 100, then the newline
    expect(out.writes[0]).toBe('\rbacktest [....................] 0% 1/400 steps')
    expect(out.writes.at(-2)).toBe('\rbacktest [####################] 100% 400/400 steps')
    expect(out.writes.at(-1)).toBe('\n')
  })

  it('writes a plain line per 10 % elsewhere, and nothing to end', () => {
    const out = sink(false)
    const progress = createProgressReporter(out)
    for (let done = 1; done <= 27; done++) progress.update(done, 27)
    progress.update(27, 27)
    progress.finish()
    expect(out.writes).toEqual([
      'backtest: 3% 1/27 steps\n',
      'backtest: 11% 3/27 steps\n',
      'backtest: 22% 6/27 steps\n',
      'backtest: 33% 9/27 steps\n',
      'backtest: 40% 11/27 steps\n',
      'backtest: 51% 14/27 steps\n',
      'backtest: 62% 17/27 steps\n',
      'backtest: 70% 19/27 steps\n',
      'backtest: 81% 22/27 steps\n',
      'backtest: 92% 25/27 steps\n',
      'backtest: 100% 27/27 steps\n',
    ])
  })
})
