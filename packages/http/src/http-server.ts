import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type { Logger } from 'pino'
import { Counter, Histogram, type Registry } from 'prom-client'
import { type ReadinessCheck, registerOperationalRoutes } from './operational-routes.ts'
import { requireReadKeys } from './read-key-guard.ts'
import { recordRoutes } from './route-list.ts'

export interface HttpServerOptions {
  logger: Logger
  registry: Registry
  readiness: ReadinessCheck[]
  /** Upper bound of any request body this server accepts, in bytes. */
  bodyLimitBytes?: number
  /** ADPULSE_READ_KEYS (key → name): every route under /v1/ requires one (read-key-guard.ts). */
  readKeys: ReadonlyMap<string, string>
  /**
   * Whether `/metrics`, `/healthz` and `/readyz` are served here; default true.
   * False when the ADPULSE_METRICS_PORT listener (createOperationalServer) serves them.
   */
  operationalRoutes?: boolean
}

/**
 * The HTTP shell every service shares: the read-key check of the /v1 routes,
 * `/metrics`, `/healthz`, `/readyz` (unless they have a listener of their own),
 * and RED metrics per route. Services add their routes as plugins.
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
  requireReadKeys(app, options.readKeys)
  if (options.operationalRoutes ?? true) registerOperationalRoutes(app, options)
  return app
}
