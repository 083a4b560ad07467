import { describe, expect, it } from 'vitest'
import { AttemptTimeoutError, RetryAbortedError, retryUntilDone } from './insert-retry.ts'

const FAST = { attemptTimeoutMs: 50, initialDelayMs: 1, maxDelayMs: 4 }

describe('retryUntilDone', () => {
  it('retries failures and timeouts until an attempt succeeds', async () => {
    let calls = 0
    const failures: unknown[] = []
    await retryUntilDone(
      async () => {
        calls++
        if (calls === 1) throw new Error('refused')
        if (calls === 2) await new Promise(() => undefined)
      },
      FAST,
      new AbortController().signal,
      (err) => failures.push(err),
    )
    expect(calls).toBe(3)
    expect(failures[0]).toBeInstanceOf(Error)
    expect(failures[1]).toBeInstanceOf(AttemptTimeoutError)
  })

  it('doubles the delay up to the maximum', async () => {
    const delays: number[] = []
    let calls = 0
    await retryUntilDone(
      async () => {
        if (++calls < 6) throw new Error('down')
      },
      FAST,
      new AbortController().signal,
      (_err, _n, delay) => delays.push(delay),
    )
    expect(delays).toEqual([1, 2, 4, 4, 4])
  })

  it('gives up only on shutdown', async () => {
    const controller = new AbortController()
    const running = retryUntilDone(
      async () => {
        throw new Error('down')
      },
      FAST,
      controller.signal,
      (_err, attempts) => {
        if (attempts === 3) controller.abort()
      },
    )
    await expect(running).rejects.toBeInstanceOf(RetryAbortedError)
  })
})

describe('retryUntilDone: permanent failures', () => {
  it('waits the slow delay after a permanent failure, keeps the backoff for retriable ones, and never gives up', async () => {
    const seen: [number, boolean][] = []
    let calls = 0
    await retryUntilDone(
      async () => {
        calls++
        if (calls <= 2) throw Object.assign(new Error('full'), { permanent: true })
        if (calls <= 4) throw new Error('refused')
      },
      { ...FAST, permanentDelayMs: 20 },
      new AbortController().signal,
      (_err, _n, delay, retriable) => seen.push([delay, retriable]),
      (err) => !(err as { permanent?: boolean }).permanent,
    )
    expect(calls).toBe(5)
    expect(seen).toEqual([
      [20, false],
      [20, false],
      [1, true],
      [2, true],
    ])
  })
})
