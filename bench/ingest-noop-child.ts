import { loadConfig } from '@adpulse/config'
import { createHttpServer } from '@adpulse/http'
import { registerIngestRoutes } from '@adpulse/ingest'
import type { Producer } from '@adpulse/kafka'
import { createLogger, createRegistry } from '@adpulse/observability'

/**
 * Ingest alone with a producer that acknowledges at once (bench/pipeline.ts's
 * HTTP ceiling): the routes, admission, workers and the produce batcher as the
 * service runs them, configured from the environment, and no Kafka. Logs
 * `ingest listening` with its port as the service does.
 */
const noopProducer: Producer = {
  send: async () => {},
  sendBatch: async () => {},
  disconnect: async () => {},
}

const config = loadConfig()
const logger = createLogger('bench-ingest-noop', { level: 'info', format: 'json' })
const registry = createRegistry('bench-ingest-noop')
const app = createHttpServer({
  logger,
  registry,
  readiness: [],
  bodyLimitBytes: config.ingest.maxBodyBytes,
  readKeys: config.readApi.keys,
})
const ingest = await registerIngestRoutes(app, { config, producer: noopProducer, logger, registry })
await app.listen({ host: '127.0.0.1', port: 0 })
const bound = app.server.address()
logger.info({ port: typeof bound === 'object' && bound !== null ? bound.port : 0 }, 'ingest listening')
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => ingest.stop())
    .then(() => process.exit(0))
})
