import { startAllInOne } from '@adpulse/adpulse'
import { loadConfig } from '@adpulse/config'
import { registeredRoutes } from '@adpulse/http'
import { createLogger } from '@adpulse/observability'
import { type Method, OPENAPI_DOCUMENT } from '@adpulse/openapi'
import { documentValidator, mediaTypeOf, responseSchema } from '@adpulse/openapi/testing'
import { aRawEvent, pollUntil, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The OpenAPI document against a running all-in-one process: every route it
 * registers is documented with its method and every documented route is
 * registered; real answers (202, 400, 401, 415, a page of /v1/kpis, the reads,
 * the schema routes) follow the documented schemas, so the document cannot
 * drift from the code unnoticed.
 */

const doc = OPENAPI_DOCUMENT
const INGEST_KEY = 'openapi-ingest-key'
const READ_KEY = 'openapi-read-key'

/** `METHOD /path/{param}` of a Fastify route (`/path/:param`). */
const routeName = (method: string, url: string) => `${method} ${url.replace(/:(\w+)/g, '{$1}')}`

const documentedRoutes = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => routeName(method.toUpperCase(), path)),
  )

describe('the OpenAPI document against a running process', () => {
  const id = uniqueName('openapi')
  const validator = documentValidator(doc)
  let stop: (() => Promise<void>) | undefined
  let base = ''
  let routes: string[] = []
  let subject = ''

  beforeAll(async () => {
    const config = loadConfig(
      testEnvironment(id, {
        ADPULSE_INGEST_KEYS: `openapi:${INGEST_KEY}`,
        ADPULSE_READ_KEYS: `openapi-reader:${READ_KEY}`,
      }),
    )
    const running = await startAllInOne(config, createLogger('openapi-e2e', { level: 'warn' }))
    stop = running.stop
    base = `http://127.0.0.1:${running.address.port}`
    subject = `${config.kafka.topics.events}-value`
    const registered = registeredRoutes(running.context.app)
    // Fastify answers HEAD for every GET by itself: not a route of ours to document.
    const gets = new Set(registered.filter((r) => r.method === 'GET').map((r) => r.url))
    routes = registered
      .filter((r) => !(r.method === 'HEAD' && gets.has(r.url)))
      .map((r) => routeName(r.method, r.url))
  })

  afterAll(async () => {
    await stop?.()
  })

  /** Asserts that an answer follows the schema documented for its route, status and media type; returns its body. */
  async function expectDocumented(path: string, method: Method, response: Response): Promise<unknown> {
    const mediaType = mediaTypeOf(response.headers.get('content-type'))
    const at = `${method.toUpperCase()} ${path} ${response.status} ${mediaType}`
    const schema = responseSchema(doc, path, method, response.status, mediaType)
    expect(schema, `${at} is documented`).toBeDefined()
    const text = await response.text()
    const body = mediaType.endsWith('json') ? JSON.parse(text) : text
    expect(validator.errors(schema ?? {}, body), `${at}: ${text.slice(0, 500)}`).toBeNull()
    return body
  }

  const read = (url: string, key: string | null = READ_KEY) =>
    fetch(`${base}${url}`, key === null ? {} : { headers: { authorization: `Bearer ${key}` } })

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${base}/v1/events`, { method: 'POST', headers, body })

  it('documents every route the all-in-one registers, with its method, and no other', () => {
    expect(routes.length).toBeGreaterThan(10)
    expect([...new Set(routes)].sort()).toEqual([...new Set(documentedRoutes())].sort())
  })

  it('answers POST /v1/events as documented: 202 by index, 401, 415, 400', async () => {
    const now = Date.now()
    const events = [
      aRawEvent(
        { event_id: 'oa-1', occurred_at: now, campaign_id: 'c1', ad_id: 'ad-1', cost_micros: 1_500_000 },
        now,
      ),
      aRawEvent(
        {
          event_id: 'oa-2',
          type: 'conversion',
          occurred_at: new Date(now).toISOString(),
          campaign_id: 'c1',
          ad_id: 'ad-1',
          action: 'purchase',
          value_micros: '4000000',
        },
        now,
      ),
      aRawEvent({ event_id: 'oa-3', occurred_at: now, channel: 'Not A Slug' }, now),
    ]
    const json = { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' }
    const accepted = await post(JSON.stringify(events), json)
    expect(accepted.status).toBe(202)
    expect(await expectDocumented('/v1/events', 'post', accepted)).toMatchObject({
      accepted: 2,
      rejected: [{ index: 2, event_id: 'oa-3' }],
    })
    const ndjson = await post(
      `${JSON.stringify(aRawEvent({ event_id: 'oa-4', occurred_at: now }, now))}\nnot json\n`,
      {
        ...json,
        'content-type': 'application/x-ndjson',
      },
    )
    expect(ndjson.status).toBe(202)
    await expectDocumented('/v1/events', 'post', ndjson)
    const refusals = [
      await post('[]', { 'content-type': 'application/json' }),
      await post('[]', { ...json, authorization: `Bearer ${READ_KEY}` }),
      await post('hello', { ...json, 'content-type': 'text/plain' }),
      await post('[{', json),
    ]
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 415, 400])
    for (const refusal of refusals) await expectDocumented('/v1/events', 'post', refusal)
  })

  it('answers GET /v1/kpis as documented: a page with actions and money as strings, and a 400', async () => {
    const url =
      '/v1/kpis?window=15m&by=campaign,ad,action&bucket=hour&tz=Asia/Tehran&sort=spend_micros&limit=10'
    const page = await pollUntil(
      async () => (await (await read(url)).json()) as { rows: Array<{ conversions: number }> },
      (p) => p.rows.some((row) => row.conversions === 1),
      { what: 'the conversion in /v1/kpis' },
    )
    expect(page.rows.length).toBeGreaterThan(0)
    await expectDocumented('/v1/kpis', 'get', await read(url))
    await expectDocumented('/v1/kpis', 'get', await read('/v1/kpis?by=source&limit=1'))
    const bad = await read('/v1/kpis?window=2h')
    expect(bad.status).toBe(400)
    expect(await expectDocumented('/v1/kpis', 'get', bad)).toMatchObject({ error: 'bad_request' })
    // 200 while reads are open, 401 where read keys are required: documented either way.
    await expectDocumented('/v1/kpis', 'get', await read('/v1/kpis', null))
  })

  it('answers the other reads, the operations routes and the schema routes as documented', async () => {
    const answers: Array<[string, string, number]> = [
      ['/v1/campaigns', '/v1/campaigns?limit=1', 200],
      ['/v1/campaigns', '/v1/campaigns?campaign=c1', 400],
      ['/v1/experiments', '/v1/experiments?window=15m&metric=cvr', 200],
      ['/v1/experiments', '/v1/experiments?metric=roi', 400],
      ['/v1/signals', '/v1/signals?limit=5', 200],
      ['/v1/signals', '/v1/signals?limit=0', 400],
      ['/v1/freshness', '/v1/freshness', 200],
      ['/healthz', '/healthz', 200],
      ['/metrics', '/metrics', 200],
      ['/openapi.json', '/openapi.json', 200],
      ['/subjects', '/subjects', 200],
      ['/subjects/{subject}/versions', `/subjects/${subject}/versions`, 200],
      ['/subjects/{subject}/versions', '/subjects/nothing-value/versions', 404],
      ['/subjects/{subject}/versions/{version}', `/subjects/${subject}/versions/latest`, 200],
      ['/subjects/{subject}/versions/{version}', `/subjects/${subject}/versions/first`, 422],
      ['/schemas/ids/{id}', '/schemas/ids/1', 200],
      ['/schemas/ids/{id}', '/schemas/ids/9999', 404],
    ]
    for (const [path, url, status] of answers) {
      const response = await read(url, path.startsWith('/v1/') ? READ_KEY : null)
      expect(response.status, url).toBe(status)
      await expectDocumented(path, 'get', response)
    }
    await expectDocumented('/readyz', 'get', await read('/readyz', null))
    // No ADPULSE_AUDIENCES_FILE: no audiences; the development admin key deletes.
    const audiences: Array<[string, string, number]> = [
      ['/v1/audiences', '/v1/audiences', 200],
      ['/v1/audiences/{name}/members', '/v1/audiences/buyers/members', 404],
    ]
    for (const [path, url, status] of audiences) {
      const response = await read(url)
      expect(response.status, url).toBe(status)
      await expectDocumented(path, 'get', response)
    }
    const forget = (key: string | null) =>
      fetch(`${base}/v1/users/nobody`, {
        method: 'DELETE',
        headers: key === null ? {} : { authorization: `Bearer ${key}` },
      })
    const deletions = [await forget(null), await forget(READ_KEY), await forget('adpulse-dev-admin-key')]
    expect(deletions.map((r) => r.status)).toEqual([401, 401, 404])
    for (const response of deletions) await expectDocumented('/v1/users/{user_id}', 'delete', response)
    expect(await (await read('/openapi.json', null)).json()).toEqual(doc)
  })
})
