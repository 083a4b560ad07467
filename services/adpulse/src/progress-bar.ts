/** `[#####...............] 25% 6/24 steps`: floors, so 100 % shows only when every step is done. */
export function renderProgressBar(done: number, total: number, width = 20, unit = 'steps'): string {
  const fraction = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total))
  const filled = Math.floor(fraction * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${done}/${total} ${unit}`
}

/** Where progress goes: process.stderr, or anything with its shape. */
export interface ProgressSink {
  isTTY?: boolean
  write(text: string): unknown
}

export interface ProgressReporter {
  update(done: number, total: number): void
  /** Ends the bar's line on a terminal; idempotent. */
  finish(): void
}

/**
 * A bar redrawn in place (`\r`) on a terminal; elsewhere (a CI log, a file) one
 * plain line per 10 % so that the log shows the run is alive without a line per step.
 */
export function createProgressReporter(
  sink: ProgressSink,
  label = 'backtest',
  unit = 'steps',
): ProgressReporter {
  const tty = sink.isTTY === true
  let lastPercent = -1
  let drawn = false
  return {
    update(done, total) {
      const percent = total <= 0 ? 100 : Math.floor((done / total) * 100)
      if (tty) {
        // Redraw only when the percentage moves: a long replay has far more steps than a bar has cells.
        if (percent === lastPercent && done !== total) return
        sink.write(`\r${label} ${renderProgressBar(done, total, 20, unit)}`)
        drawn = true
      } else {
        const decile = Math.floor(percent / 10)
        if (decile === Math.floor(lastPercent / 10) && done !== total) return
        if (done === total && lastPercent === 100) return
        sink.write(`${label}: ${percent}% ${done}/${total} ${unit}\n`)
      }
      lastPercent = percent
    },
    finish() {
      if (tty && drawn) sink.write('\n')
      drawn = false
    },
  }
}
