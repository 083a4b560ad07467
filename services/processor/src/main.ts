import { ConfigError, loadConfig } from '@adpulse/config'
import { createLogger } from '@adpulse/observability'
import { runProcess, stopOnSignals } from '@adpulse/runtime'
import { attachProcessor } from './service.ts'

/** Standalone processor. With embedded ClickHouse, prefer the all-in-one entry (one chDB data directory per process). */
const logger = createLogger('adpulse-processor')
try {
  const config = loadConfig()
  logger.level = config.logLevel
  const running = await runProcess({
    name: 'processor',
    config,
    logger,
    services: [attachProcessor],
    withClickHouse: true,
  })
  stopOnSignals(running, logger)
} catch (err) {
  if (err instanceof ConfigError) logger.fatal({ problems: err.problems }, err.message)
  else logger.fatal({ err }, 'processor failed to start')
  process.exit(1)
}
