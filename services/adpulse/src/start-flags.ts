import { fileURLToPath } from 'node:url'
import type { AdpulseConfig } from '@adpulse/config'

/** What `adpulse start` was asked for on the command line. */
export interface StartFlags {
  /** `--demo`: post demo traffic every second. */
  demo: boolean
  /** `--dry-run`: the alerter evaluates and logs, and publishes nothing. */
  dryRun: boolean
}

/** `adpulse start --help`. */
export const START_USAGE = `usage: adpulse start [--demo] [--dry-run]

Runs ingest, processor and alerter in one process on ADPULSE_PORT (default 8080) until
SIGINT (Ctrl-C) or SIGTERM. Without KAFKA_BROKERS it starts the local Kafka broker (and stops
it on exit), without CLICKHOUSE_URL embedded ClickHouse (chDB, in ADPULSE_CHDB_PATH).
\`npm start\` runs it after installing what is missing.

options:
  --demo        also post demo traffic to /v1/events every second, so KPIs and signals move;
                without ADPULSE_AUDIENCES_FILE, deploy/audiences.example.yaml's audiences fill
  --dry-run     the alerter evaluates live and logs what it would publish, and publishes
                nothing (the same as ADPULSE_ALERTER_DRY_RUN=true)
  -h, --help    this help

exit codes: 0 stopped by SIGINT or SIGTERM; 1 configuration, a failed start or a failed
            shutdown (or a second signal); 2 bad arguments (nothing started)`

/** The flags of `adpulse start`; undefined when one is unknown. */
export function parseStartFlags(argv: readonly string[]): StartFlags | undefined {
  if (argv.some((f) => f !== '--demo' && f !== '--dry-run')) return undefined
  return { demo: argv.includes('--demo'), dryRun: argv.includes('--dry-run') }
}

/** The audiences the demo fills (its cart abandoners and search clickers) when no file is configured. */
export const DEMO_AUDIENCES_FILE = fileURLToPath(
  new URL('../../../deploy/audiences.example.yaml', import.meta.url),
)

/**
 * Command-line flags over the loaded configuration. Only config.ts reads the
 * environment, so `--dry-run` is an override of the typed object, the same
 * switch as ADPULSE_ALERTER_DRY_RUN=true, and `--demo` only fills in the
 * audiences file when none is set.
 */
export function withStartFlags(config: AdpulseConfig, flags: StartFlags): AdpulseConfig {
  let result = config
  if (flags.dryRun) result = { ...result, alerter: { ...result.alerter, dryRun: true } }
  if (flags.demo && result.audiences.file === undefined) {
    result = { ...result, audiences: { ...result.audiences, file: DEMO_AUDIENCES_FILE } }
  }
  return result
}
