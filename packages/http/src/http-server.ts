import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type { Logger } from 'pino'
import { Counter, Histogram, type Registry } from 'prom-client'
import { recordRoutes } from './route-list.ts'

/** A dependency that must answer for the service to be ready (Kafka, ClickHouse). */
export interface ReadinessCheck {
  name: string
  check(): Promise<void>
}

export interface HttpServerOptions {
  logger: Logger
  registry: Registry
  readiness: ReadinessCheck[]
  /** Upper bound of any request body this server accepts, in bytes. */
  bodyLimitBytes?: number
}

/**
 * The HTTP shell every service shares: `/metrics`, `/healthz` (the process
 * answers), `/readyz` (every dependency answers), and RED metrics per route.
 * Services add their routes as plugins.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Request lines would dominate the logs; RED metrics below count every request instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    return503OnClosing: true,
  })
  recordRoutes(app)
  const requests = new Counter({
    name: 'adpulse_http_requests_total',
    help: 'HTTP requests answered, by route and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [options.registry],
  })
  const duration = new Histogram({
    name: 'adpulse_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route.',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [options.registry],
  })
  app.addHook('onResponse', async (request, reply) => {
    // routeOptions.url is the route pattern (bounded); unknown paths share one label.
    const route = request.routeOptions.url ?? 'unmatched'
    requests.inc({ method: request.method, route, status: String(reply.statusCode) })
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000)
  })

  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.allSettled(options.readiness.map((r) => r.check()))
    const checks: Record<string, string> = {}
    let ready = true
    results.forEach((result, i) => {
      const name = options.readiness[i]?.name ?? `check${i}`
      if (result.status === 'fulfilled') checks[name] = 'ok'
      else {
        ready = false
        checks[name] = errorText(result.reason)
      }
    })
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unready', checks })
  })
  app.get('/metrics', async (_request, reply) => {
    const body = await options.registry.metrics()
    return reply.type(options.registry.contentType).send(body)
  })
  return app
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : ''
    return `${err.message}${cause}`
  }
  return String(err)
}
