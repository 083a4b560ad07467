import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'

/** A dependency that must answer for the service to be ready (Kafka, ClickHouse). */
export interface ReadinessCheck {
  name: string
  check(): Promise<void>
}

export interface OperationalOptions {
  registry: Registry
  /** Read at each /readyz: services add their checks after the server is created. */
  readiness: ReadinessCheck[]
}

/** `/metrics`, `/healthz` (the process answers) and `/readyz` (every dependency answers). */
export function registerOperationalRoutes(app: FastifyInstance, options: OperationalOptions): void {
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
}

/**
 * The listener of ADPULSE_METRICS_PORT: the operational routes alone, so the
 * API port need not expose them (and a scrape or probe never counts as API traffic).
 */
export function createOperationalServer(options: OperationalOptions & { logger: Logger }): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http-metrics' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  })
  registerOperationalRoutes(app, options)
  return app
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : ''
    return `${err.message}${cause}`
  }
  return String(err)
}
