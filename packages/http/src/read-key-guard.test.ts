import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpServer } from './http-server.ts'
import { createOperationalServer } from './operational-routes.ts'

const READ_KEY = 'read-key-0123456789'
const INGEST_KEY = 'ingest-key-0123456789'
const logger = pino({ level: 'silent' })
const refusal = { error: 'unauthorized', message: 'send Authorization: Bearer <read key>' }

const servers: FastifyInstance[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

/** The shell with a read route, a route checking an ingest key of its own, and a route outside /v1. */
async function serve(options: { operationalRoutes?: boolean } = {}): Promise<FastifyInstance> {
  const app = createHttpServer({
    logger,
    registry: new Registry(),
    readiness: [],
    readKeys: new Map([[READ_KEY, 'bi']]),
    ...options,
  })
  servers.push(app)
  app.get('/v1/things', async () => ({ things: [] }))
  app.post('/v1/things', async () => ({ made: true }))
  app.register(async (scope) => {
    // Registered later and in a plugin of its own, as the services register theirs.
    scope.get('/v1/later/:id', async () => ({ later: true }))
  })
  app.post('/v1/events', { config: { ownKey: 'ingest' } }, async (request, reply) =>
    request.headers.authorization === `Bearer ${INGEST_KEY}`
      ? reply.code(202).send({ accepted: 1 })
      : reply.code(401).send({ error: 'unauthorized', message: 'send Authorization: Bearer <ingest key>' }),
  )
  app.get('/subjects', async () => ['events-value'])
  await app.ready()
  return app
}

const call = async (app: FastifyInstance, method: 'GET' | 'HEAD' | 'POST', url: string, key?: string) => {
  const response = await app.inject({
    method,
    url,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  })
  return { status: response.statusCode, body: method === 'HEAD' ? undefined : response.json() }
}

describe('the read key of /v1 routes', () => {
  it('answers a read route only with a read key: 401 without one, with a wrong one, with an ingest key', async () => {
    const app = await serve()
    for (const url of ['/v1/things', '/v1/things?limit=5', '/v1/later/7']) {
      expect(await call(app, 'GET', url)).toEqual({ status: 401, body: refusal })
      expect(await call(app, 'GET', url, 'not-a-key-at-all')).toEqual({ status: 401, body: refusal })
      // The same answer as any unknown key: it does not tell that the key exists for writes.
      expect(await call(app, 'GET', url, INGEST_KEY)).toEqual({ status: 401, body: refusal })
      expect((await call(app, 'GET', url, READ_KEY)).status).toBe(200)
    }
    expect((await call(app, 'HEAD', '/v1/things')).status).toBe(401)
    expect((await call(app, 'HEAD', '/v1/things', READ_KEY)).status).toBe(200)
  })

  it('guards every method of a /v1 route that has no key of its own', async () => {
    const app = await serve()
    expect(await call(app, 'POST', '/v1/things', INGEST_KEY)).toEqual({ status: 401, body: refusal })
    expect((await call(app, 'POST', '/v1/things', READ_KEY)).status).toBe(200)
  })

  it('leaves a route with a key of its own to its own check: a read key does not write', async () => {
    const app = await serve()
    expect(await call(app, 'POST', '/v1/events', READ_KEY)).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'send Authorization: Bearer <ingest key>' },
    })
    expect(await call(app, 'POST', '/v1/events', INGEST_KEY)).toEqual({ status: 202, body: { accepted: 1 } })
  })

  it('reads the Authorization header strictly: Bearer, one key, exactly the key', async () => {
    const app = await serve()
    const status = async (authorization: string) =>
      (await app.inject({ method: 'GET', url: '/v1/things', headers: { authorization } })).statusCode
    expect(await status(`bearer ${READ_KEY}`)).toBe(200)
    expect(await status(`Basic ${READ_KEY}`)).toBe(401)
    expect(await status(READ_KEY)).toBe(401)
    expect(await status(`Bearer ${READ_KEY.slice(0, -1)}`)).toBe(401)
    expect(await status(`Bearer ${READ_KEY}x`)).toBe(401)
  })

  it('leaves /metrics, the health routes, routes outside /v1 and unknown paths open', async () => {
    const app = await serve()
    for (const url of ['/metrics', '/healthz', '/readyz', '/subjects']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200)
    }
    expect((await app.inject({ method: 'GET', url: '/v1/nothing-here' })).statusCode).toBe(404)
  })
})

describe('the operational routes on a listener of their own', () => {
  it('leave the API server when it has a metrics listener', async () => {
    const app = await serve({ operationalRoutes: false })
    for (const url of ['/metrics', '/healthz', '/readyz']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404)
    }
    expect((await call(app, 'GET', '/v1/things', READ_KEY)).status).toBe(200)
  })

  it('are served by the operational server alone, open, readiness from its checks', async () => {
    const registry = new Registry()
    const readiness = [{ name: 'kafka', check: async () => {} }]
    const operational = createOperationalServer({ logger, registry, readiness })
    servers.push(operational)
    expect((await operational.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await operational.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200)
    // A check added after the server was made (as services add theirs) counts.
    readiness.push({
      name: 'clickhouse',
      check: async () => {
        throw new Error('down')
      },
    })
    const ready = await operational.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toEqual({ status: 'unready', checks: { kafka: 'ok', clickhouse: 'down' } })
    expect((await operational.inject({ method: 'GET', url: '/v1/things' })).statusCode).toBe(404)
  })
})
