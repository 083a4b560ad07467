import { loadConfig } from '@adpulse/config'
import { createLogger } from '@adpulse/observability'
import { attachProcessor } from '@adpulse/processor'
import { type RunningProcess, runProcess } from '@adpulse/runtime'
import { aRawEvent, readHeaders, TEST_READ_KEY, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAllInOne } from './all-in-one.ts'

/**
 * Who may read what, on running processes with the run's real broker and
 * ClickHouse: every /v1 read route of the all-in-one needs a read key (an
 * ingest key is refused like any other), a read key does not write, the
 * operational and schema routes stay open; and with ADPULSE_METRICS_PORT the
 * operational routes move to their own listener, both closing on stop.
 */

const logger = createLogger('read-access-it', { level: 'silent' })
const INGEST_KEY = 'read-access-ingest-key-01'
const READ_ROUTES = ['/v1/kpis?window=15m', '/v1/campaigns', '/v1/signals', '/v1/freshness']
const READ_REFUSAL = { error: 'unauthorized', message: 'send Authorization: Bearer <read key>' }

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
const answer = async (url: string, init: RequestInit = {}) => {
  const response = await fetch(url, init)
  const text = await response.text()
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text }
}
const dropDatabase = (running: RunningProcess | undefined, database: string) =>
  running?.context.clickhouse?.client.command({ query: `DROP DATABASE IF EXISTS ${database}` })

describe('the all-in-one: reads need a read key', () => {
  const id = uniqueName('read_access')
  const config = loadConfig(testEnvironment(id, { ADPULSE_INGEST_KEYS: `web:${INGEST_KEY}` }))
  let running: RunningProcess | undefined
  let base = ''

  beforeAll(async () => {
    running = await startAllInOne(config, logger)
    base = `http://127.0.0.1:${running.address.port}`
  })
  afterAll(async () => {
    await dropDatabase(running, config.clickhouse.database)
    await running?.stop()
  })

  it('answers every /v1 read route 401 without a key, with a wrong key and with an ingest key', async () => {
    for (const route of READ_ROUTES) {
      for (const headers of [
        {},
        bearer('not-a-key-of-anyone'),
        bearer(INGEST_KEY),
        { authorization: TEST_READ_KEY },
      ]) {
        expect(await answer(`${base}${route}`, { headers }), `${route} ${JSON.stringify(headers)}`).toEqual({
          status: 401,
          body: READ_REFUSAL,
        })
      }
    }
  })

  it('answers every /v1 read route 200 with a read key', async () => {
    for (const route of READ_ROUTES) {
      expect((await answer(`${base}${route}`, { headers: readHeaders() })).status, route).toBe(200)
    }
  })

  it('refuses a write with a read key, and takes it with an ingest key', async () => {
    const post = (key: string) =>
      answer(`${base}/v1/events`, {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        body: JSON.stringify([aRawEvent({}, Date.now())]),
      })
    expect(await post(TEST_READ_KEY)).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'send Authorization: Bearer <ingest key>' },
    })
    expect(await post(INGEST_KEY)).toMatchObject({ status: 202, body: { accepted: 1 } })
  })

  it('leaves /metrics, the health routes and the schema routes open', async () => {
    const subject = `${config.kafka.topics.events}-value`
    for (const route of [
      '/metrics',
      '/healthz',
      '/readyz',
      '/subjects',
      `/subjects/${subject}/versions/latest`,
    ]) {
      expect((await answer(`${base}${route}`)).status, route).toBe(200)
    }
  })
})

describe('ADPULSE_METRICS_PORT: the operational routes on a listener of their own', () => {
  const id = uniqueName('metrics_port')
  const config = loadConfig(testEnvironment(id, { ADPULSE_METRICS_PORT: '0' }))
  let running: RunningProcess | undefined
  let api = ''
  let metrics = ''

  beforeAll(async () => {
    running = await runProcess({
      name: 'processor',
      config,
      logger,
      services: [attachProcessor],
      withClickHouse: true,
    })
    api = `http://127.0.0.1:${running.address.port}`
    metrics = `http://127.0.0.1:${running.metricsAddress?.port}`
  })
  afterAll(async () => {
    await dropDatabase(running, config.clickhouse.database)
    await running?.stop()
  })

  it('serves /metrics, /healthz and /readyz on the metrics port, open', async () => {
    expect(running?.metricsAddress?.port).not.toBe(running?.address.port)
    const scrape = await answer(`${metrics}/metrics`)
    expect(scrape.status).toBe(200)
    expect(scrape.body).toContain('adpulse_processor_')
    expect(await answer(`${metrics}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } })
    expect(await answer(`${metrics}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } })
  })

  it('leaves them off the API port, which serves the API alone', async () => {
    for (const route of ['/metrics', '/healthz', '/readyz']) {
      expect((await answer(`${api}${route}`)).status, route).toBe(404)
    }
    expect((await answer(`${api}/v1/freshness`, { headers: readHeaders() })).status).toBe(200)
    expect((await answer(`${api}/v1/freshness`)).status).toBe(401)
    expect((await answer(`${metrics}/v1/freshness`, { headers: readHeaders() })).status).toBe(404)
  })

  it('closes both ports on stop', async () => {
    await dropDatabase(running, config.clickhouse.database)
    await running?.stop()
    running = undefined
    await expect(fetch(`${api}/v1/freshness`, { headers: readHeaders() })).rejects.toThrow()
    await expect(fetch(`${metrics}/healthz`)).rejects.toThrow()
  })
})
