import { type AdpulseConfig, ConfigError, loadConfig, loadEnvFile, loadLogSettings } from '@adpulse/config'
import { createHttpServer, createOperationalServer } from '@adpulse/http'
import { ensureLocalKafka, type LocalKafka } from '@adpulse/local-kafka'
import { createLogger, createRegistry, type Logger } from '@adpulse/observability'
import { registerOpenApiRoute } from '@adpulse/openapi'
import { registerSchemaRoutes, schemaSubjects, topicSubjects } from '@adpulse/schema-registry'
import type { FastifyInstance } from 'fastify'
import { openInfrastructure, type ServiceContext, type Stoppable } from './service-context.ts'

/** A service's entry into a process: register routes, start loops, return how to stop. */
export type ServiceAttach = (context: ServiceContext) => Promise<Stoppable>

export interface ProcessOptions {
  name: string
  config: AdpulseConfig
  logger: Logger
  services: ServiceAttach[]
  withClickHouse: boolean
}

export interface RunningProcess {
  /** host:port the HTTP server listens on. */
  address: { host: string; port: number }
  /** host:port of /metrics, /healthz and /readyz when ADPULSE_METRICS_PORT gives them a listener of their own. */
  metricsAddress: { host: string; port: number } | undefined
  brokers: string[]
  context: ServiceContext
  /** Stops taking requests, stops the services, closes connections, stops a broker started here. */
  stop(): Promise<void>
}

/**
 * Starts one adpulse process: infrastructure, the HTTP server on the one port,
 * and the given services. Used by every service's main.ts and by the all-in-one.
 */
export async function runProcess(options: ProcessOptions): Promise<RunningProcess> {
  const { config, logger } = options
  let localKafka: LocalKafka | undefined
  let brokers = config.kafka.brokers
  if (brokers === undefined) {
    localKafka = await ensureLocalKafka()
    brokers = localKafka.brokers
    logger.info({ brokers, startedHere: localKafka.startedHere }, 'using the local Kafka broker')
  }
  try {
    return await startOn(options, brokers, localKafka)
  } catch (err) {
    await localKafka?.stop()
    throw err
  }
}

async function startOn(
  options: ProcessOptions,
  brokers: string[],
  localKafka: LocalKafka | undefined,
): Promise<RunningProcess> {
  const { config, logger } = options
  const registry = createRegistry(options.name)
  const infra = await openInfrastructure(config, brokers, logger, options.withClickHouse)
  const app = createHttpServer({
    logger,
    registry,
    readiness: infra.readiness,
    bodyLimitBytes: config.ingest.maxBodyBytes,
    readKeys: config.readApi.keys,
    operationalRoutes: config.server.metrics === undefined,
  })
  const operational =
    config.server.metrics === undefined
      ? undefined
      : createOperationalServer({ logger, registry, readiness: infra.readiness })
  // With a registry, records carry its ids: deserializers go to it, and the
  // routes stay unregistered rather than answer with ids no record carries.
  if (config.schemaRegistry.url === undefined) {
    registerSchemaRoutes(app, schemaSubjects(topicSubjects(config.kafka.topics)))
  }
  registerOpenApiRoute(app)
  const context: ServiceContext = {
    config,
    logger,
    registry,
    app,
    kafka: infra.kafka,
    producer: infra.producer,
    schemas: infra.schemas,
    clickhouse: infra.clickhouse,
    readiness: infra.readiness,
  }
  const parts: Stoppable[] = []
  for (const attach of options.services) parts.push(await attach(context))
  // Both listeners at once: /readyz stops answering as the API stops taking requests.
  const stopStarted = async () => {
    await Promise.all([app.close(), operational?.close()])
    for (const part of parts.reverse()) await part.stop()
    await infra.close()
  }
  const { port, metricsAddress } = await listen(app, operational, config, stopStarted)
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down')
      await stopStarted()
      await localKafka?.stop()
      logger.info('stopped')
    })()
    return stopping
  }
  logger.info(
    { port, metricsPort: metricsAddress?.port, services: options.services.length },
    `${options.name} listening`,
  )
  return { address: { host: config.server.host, port }, metricsAddress, brokers, context, stop }
}

/**
 * The API port, then the metrics port (its /readyz must not answer before the
 * API takes requests); when either cannot bind, what was started stops.
 */
async function listen(
  app: FastifyInstance,
  operational: FastifyInstance | undefined,
  config: AdpulseConfig,
  stopStarted: () => Promise<void>,
): Promise<Pick<RunningProcess, 'metricsAddress'> & { port: number }> {
  const { server } = config
  try {
    await app.listen({ host: server.host, port: server.port })
    if (operational && server.metrics) await operational.listen(server.metrics)
  } catch (err) {
    await stopStarted()
    throw err
  }
  const port = boundPort(app) ?? server.port
  if (operational === undefined || server.metrics === undefined) return { port, metricsAddress: undefined }
  const metricsPort = boundPort(operational) ?? server.metrics.port
  return { port, metricsAddress: { host: server.metrics.host, port: metricsPort } }
}

function boundPort(app: FastifyInstance): number | undefined {
  const bound = app.server.address()
  return typeof bound === 'object' && bound !== null ? bound.port : undefined
}

/** Stops the process cleanly on SIGTERM and SIGINT; a second signal exits at once. */
export function stopOnSignals(running: Stoppable, logger: Logger): void {
  let signalled = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1)
    signalled = true
    logger.info({ signal }, 'signal received')
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}

/**
 * The whole main() of a service: read .env, load the config (exit 1 listing every bad
 * variable), run the process, stop on signals.
 */
export async function runServiceMain(options: Omit<ProcessOptions, 'config' | 'logger'>): Promise<void> {
  loadEnvFile()
  const logger = createLogger(`adpulse-${options.name}`, loadLogSettings())
  try {
    const config = loadConfig()
    logger.level = config.logLevel
    stopOnSignals(await runProcess({ ...options, config, logger }), logger)
  } catch (err) {
    if (err instanceof ConfigError) logger.fatal({ problems: err.problems }, err.message)
    else logger.fatal({ err }, `${options.name} failed to start`)
    process.exit(1)
  }
}
