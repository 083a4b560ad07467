import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pollUntil, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { startAdpulse } from './support/adpulse-process.ts'

/** The all-in-one entry as users run it: a real process, real signals, its JSON log lines read back. */

describe('adpulse start (the process)', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('refuses to start on bad configuration, naming every bad variable', async () => {
    const started = startAdpulse({ ADPULSE_PORT: 'eighty', ADPULSE_CUT_BELOW_ROI: 'x' })
    expect(await started.exit).toBe(1)
    const fatal = started.lines.find((l) => l.level === 60)
    expect(fatal?.problems).toEqual([
      expect.stringMatching(/^ADPULSE_CUT_BELOW_ROI: expected a number/),
      expect.stringMatching(/^ADPULSE_PORT: expected an integer/),
    ])
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves, then on ${signal} stops taking requests, closes and exits 0`, async () => {
      const id = uniqueName('life')
      const chdb = await mkdtemp(join(tmpdir(), 'adpulse-life-'))
      cleanups.push(() => rm(chdb, { recursive: true, force: true }))
      // Its own chDB directory: a second process cannot share the run's.
      const env = testEnvironment(id, { ADPULSE_CHDB_PATH: chdb, LOG_LEVEL: 'info' })
      const started = startAdpulse(env)
      cleanups.push(async () => {
        started.child.kill('SIGKILL')
      })

      const listening = await pollUntil(
        async () => started.lines.find((l) => l.msg === 'adpulse listening'),
        (line) => line !== undefined,
        { what: 'the listening log line', timeoutMs: 120_000 },
      )
      const base = `http://127.0.0.1:${listening?.port}`
      const ready = await pollUntil(
        () => fetch(`${base}/readyz`).then((r) => r.status),
        (status) => status === 200,
        { what: '/readyz 200' },
      )
      expect(ready).toBe(200)
      const metrics = await (await fetch(`${base}/metrics`)).text()
      expect(metrics).toContain('adpulse_build_info{service="adpulse"')

      started.child.kill(signal)
      expect(await started.exit).toBe(0)
      const messages = started.lines.map((l) => l.msg)
      expect(messages).toContain('shutting down')
      expect(messages.indexOf('stopped')).toBeGreaterThan(messages.indexOf('shutting down'))
      await expect(fetch(`${base}/healthz`)).rejects.toThrow()
    })
  }
})
