#!/usr/bin/env -S node --import tsx
import { ConfigError, loadConfig } from '@adpulse/config'
import { createLogger } from '@adpulse/observability'
import { stopOnSignals } from '@adpulse/runtime'
import { startAllInOne } from './all-in-one.ts'
import { startDemoTraffic } from './demo-traffic.ts'

const USAGE = `usage: adpulse start [--demo]

  start     run ingest, processor and alerter in one process on ADPULSE_PORT (default 8080);
            without KAFKA_BROKERS it starts the local broker, without CLICKHOUSE_URL embedded chDB
  --demo    also post demo traffic to /v1/events every second, so KPIs and signals move`

async function main(argv: string[]): Promise<number> {
  const [command, ...flags] = argv
  const unknown = flags.filter((f) => f !== '--demo')
  if (command !== 'start' || unknown.length > 0) {
    console.error(
      command === undefined || command === 'help' || command === '--help'
        ? USAGE
        : `unknown arguments: ${argv.join(' ')}\n\n${USAGE}`,
    )
    return command === 'help' || command === '--help' ? 0 : 2
  }
  const logger = createLogger('adpulse')
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    logger.fatal({ problems: err.problems }, err.message)
    return 1
  }
  logger.level = config.logLevel
  const running = await startAllInOne(config, logger)
  const base = `http://127.0.0.1:${running.address.port}`
  logger.info(
    { kpis: `${base}/v1/kpis?window=15m`, signals: `${base}/v1/signals`, metrics: `${base}/metrics` },
    'adpulse is running',
  )
  const [apiKey] = config.ingest.keys.keys()
  const demo =
    flags.includes('--demo') && apiKey !== undefined
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

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (err: unknown) => {
    createLogger('adpulse').fatal({ err }, 'adpulse failed to start')
    process.exit(1)
  },
)
