import type { AdpulseConfig } from '@adpulse/config'

/** What `adpulse start` was asked for on the command line. */
export interface StartFlags {
  /** `--demo`: post demo traffic every second. */
  demo: boolean
  /** `--dry-run`: the alerter evaluates and logs, and publishes nothing. */
  dryRun: boolean
}

/** The flags of `adpulse start`; undefined when one is unknown. */
export function parseStartFlags(argv: readonly string[]): StartFlags | undefined {
  if (argv.some((f) => f !== '--demo' && f !== '--dry-run')) return undefined
  return { demo: argv.includes('--demo'), dryRun: argv.includes('--dry-run') }
}

/**
 * Command-line flags over the loaded configuration. Only config.ts reads the
 * environment, so `--dry-run` is an override of the typed object, the same
 * switch as ADPULSE_ALERTER_DRY_RUN=true.
 */
export function withStartFlags(config: AdpulseConfig, flags: StartFlags): AdpulseConfig {
  return flags.dryRun ? { ...config, alerter: { ...config.alerter, dryRun: true } } : config
}
