import { ConfigError, loadConfig } from '@adpulse/config'
import { createLogger } from '@adpulse/observability'
import { runProcess, stopOnSignals } from '@adpulse/runtime'
import { attachIngest } from './service.ts'

/** Standalone ingest. With embedded ClickHouse, prefer the all-in-one entry (one chDB data directory per process). */
const logger = createLogger('adpulse-ingest')
try {
  const config = loadConfig()
  logger.level = config.logLevel
  const running = await runProcess({
    name: 'ingest',
    config,
    logger,
    services: [attachIngest],
    withClickHouse: false,
  })
  stopOnSignals(running, logger)
} catch (err) {
  if (err instanceof ConfigError) logger.fatal({ problems: err.problems }, err.message)
  else logger.fatal({ err }, 'ingest failed to start')
  process.exit(1)
}
