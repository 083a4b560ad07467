import pino from 'pino'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createHttpServer } from './http-server.ts'
import { registeredRoutes } from './route-list.ts'

describe('registeredRoutes', () => {
  it("lists the shell's routes and those registered later, plugins included, with HEAD for each GET", async () => {
    const app = createHttpServer({
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      readiness: [],
      readKeys: new Map(),
    })
    app.register(async (scope) => {
      scope.post('/v1/things', async () => ({}))
    })
    app.get('/things/:id', async () => ({}))
    await app.ready()
    const routes = registeredRoutes(app)
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'GET', url: '/healthz' },
        { method: 'GET', url: '/readyz' },
        { method: 'GET', url: '/metrics' },
        { method: 'POST', url: '/v1/things' },
        { method: 'GET', url: '/things/:id' },
        { method: 'HEAD', url: '/things/:id' },
      ]),
    )
    await app.close()
  })
})
