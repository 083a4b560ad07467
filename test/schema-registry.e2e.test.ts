import { startAllInOne } from '@adpulse/adpulse'
import { loadConfig } from '@adpulse/config'
import { createLogger } from '@adpulse/observability'
import {
  aRawEvent,
  type FakeRegistry,
  pollUntil,
  readHeaders,
  startFakeRegistry,
  testEnvironment,
  uniqueName,
} from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * With SCHEMA_REGISTRY_URL, every process writes with the registry's ids and
 * the processor learns writer schemas from it: events still count.
 */
describe('the pipeline with a schema registry', () => {
  const id = uniqueName('registry')
  const key = 'registry-secret-key'
  let registry: FakeRegistry
  let stop: (() => Promise<void>) | undefined
  let base = ''

  beforeAll(async () => {
    registry = await startFakeRegistry({ firstId: 5000 })
    const config = loadConfig(
      testEnvironment(id, { SCHEMA_REGISTRY_URL: registry.url, ADPULSE_INGEST_KEYS: `reg:${key}` }),
    )
    const running = await startAllInOne(config, createLogger('registry-e2e', { level: 'warn' }))
    stop = running.stop
    base = `http://127.0.0.1:${running.address.port}`
  })

  afterAll(async () => {
    await stop?.()
    await registry?.close()
  })

  it('counts events written with the registry ids', async () => {
    expect(registry.subjects.get(`${id}.events-value`)).toEqual([5000, 5001])
    const now = Date.now()
    const events = [0, 1, 2].map((i) =>
      aRawEvent({ event_id: `r${i}`, occurred_at: now, campaign_id: 'c1', cost_micros: 1_000_000 + i }, now),
    )
    const response = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    })
    expect(response.status).toBe(202)
    const answer = await pollUntil(
      async () =>
        (await (await fetch(`${base}/v1/kpis?window=15m`, { headers: readHeaders() })).json()) as {
          rows: Array<Record<string, unknown>>
        },
      (a) => a.rows.length === 1 && a.rows[0]?.clicks === 3,
      { what: 'three clicks in /v1/kpis' },
    )
    expect(answer.rows[0]).toMatchObject({ channel: 'search', clicks: 3, spend_micros: '3000003' })
  })

  it('does not serve its own schema routes: the records carry the registry ids, not the built-in ones', async () => {
    for (const path of ['/subjects', '/schemas/ids/1', `/subjects/${id}.events-value/versions/latest`]) {
      const response = await fetch(`${base}${path}`)
      expect(response.status).toBe(404)
      expect(await response.json()).not.toHaveProperty('error_code')
    }
  })
})
