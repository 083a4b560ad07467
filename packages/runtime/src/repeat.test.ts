import { describe, expect, it } from 'vitest'
import { repeatEvery } from './repeat.ts'

describe('repeatEvery', () => {
  it('never overlaps runs, goes on after a failure, and stop waits for the run in flight', async () => {
    let running = 0
    let overlapped = false
    const errors: unknown[] = []
    let runs = 0
    let release: () => void = () => {}
    const fourth = new Promise<void>((resolve) => {
      release = resolve
    })
    let finishFourth: () => void = () => {}
    const repeating = repeatEvery(
      1,
      async () => {
        runs++
        running++
        if (running > 1) overlapped = true
        try {
          if (runs === 2) throw new Error('second run fails')
          if (runs === 4) {
            release()
            await new Promise<void>((resolve) => {
              finishFourth = resolve
            })
          }
        } finally {
          running--
        }
      },
      (err) => errors.push(err),
    )
    await fourth
    let stopped = false
    const stopping = repeating.stop().then(() => {
      stopped = true
    })
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(stopped).toBe(false)
    finishFourth()
    await stopping
    expect(runs).toBe(4)
    expect(overlapped).toBe(false)
    expect(errors.map((e) => (e as Error).message)).toEqual(['second run fails'])
    // Nothing starts after stop.
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(runs).toBe(4)
  })
})
