import {
  type AdpulseConfig,
  ConfigError,
  DEVELOPMENT_READ_KEY,
  loadConfig,
  loadLogSettings,
} from '@adpulse/config'
import { createLogger } from '@adpulse/observability'
import { stopOnSignals } from '@adpulse/runtime'
import { startAllInOne } from './all-in-one.ts'
import { startDemoTraffic } from './demo-traffic.ts'
import { type StartFlags, withStartFlags } from './start-flags.ts'

/** `adpulse start`: the whole pipeline in this process until SIGINT/SIGTERM; -1 while it runs. */
export async function startCommand(flags: StartFlags): Promise<number> {
  // LOG_FORMAT and LOG_LEVEL read ahead of the rest, so that the configuration's own problems come out in that format.
  const logger = createLogger('adpulse', loadLogSettings())
  let config: AdpulseConfig
  try {
    config = withStartFlags(loadConfig(), flags)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    logger.fatal({ problems: err.problems }, err.message)
    return 1
  }
  logger.level = config.logLevel
  let running: Awaited<ReturnType<typeof startAllInOne>>
  try {
    running = await startAllInOne(config, logger)
  } catch (err) {
    // Credentials or certificates the brokers or the registry refused: named like a bad variable, no stack.
    if (!(err instanceof ConfigError)) throw err
    logger.fatal({ problems: err.problems }, err.message)
    return 1
  }
  const base = `http://127.0.0.1:${running.address.port}`
  const metricsBase = running.metricsAddress ? `http://127.0.0.1:${running.metricsAddress.port}` : base
  logger.info(
    { kpis: `${base}/v1/kpis?window=15m`, signals: `${base}/v1/signals`, metrics: `${metricsBase}/metrics` },
    'adpulse is running',
  )
  // The development key is public (README): saying it costs nothing, a configured key is never logged.
  if (config.readApi.keys.has(DEVELOPMENT_READ_KEY)) {
    logger.info(
      `reads need a key: curl -H 'Authorization: Bearer ${DEVELOPMENT_READ_KEY}' '${base}/v1/kpis?window=15m'`,
    )
  }
  if (config.alerter.dryRun) logger.info('dry run: the alerter evaluates and logs signals, publishes none')
  const [apiKey] = config.ingest.keys.keys()
  const demo =
    flags.demo && apiKey !== undefined
      ? startDemoTraffic({
          url: `${base}/v1/events`,
          apiKey,
          intervalMs: 1000,
          onError: (err) => logger.warn({ err }, 'demo traffic post failed'),
        })
      : undefined
  if (demo) logger.info('demo traffic on: watch /v1/kpis and /v1/signals')
  stopOnSignals(
    {
      async stop() {
        await demo?.stop()
        await running.stop()
      },
    },
    logger,
  )
  return -1
}
