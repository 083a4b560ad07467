import { ConfigError, loadConfig } from '@adpulse/config'
import { createLogger } from '@adpulse/observability'
import { runProcess, stopOnSignals } from '@adpulse/runtime'
import { attachAlerter } from './service.ts'

/** Standalone alerter. With embedded ClickHouse, prefer the all-in-one entry (one chDB data directory per process). */
const logger = createLogger('adpulse-alerter')
try {
  const config = loadConfig()
  logger.level = config.logLevel
  const running = await runProcess({
    name: 'alerter',
    config,
    logger,
    services: [attachAlerter],
    withClickHouse: true,
  })
  stopOnSignals(running, logger)
} catch (err) {
  if (err instanceof ConfigError) logger.fatal({ problems: err.problems }, err.message)
  else logger.fatal({ err }, 'alerter failed to start')
  process.exit(1)
}
