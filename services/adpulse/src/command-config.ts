import { type AdpulseConfig, ConfigError, type Env, loadConfig } from '@adpulse/config'

/**
 * The configuration a CLI command runs with, or the message of what is wrong
 * with it (the commands print it and exit 1). Anything but a ConfigError is a bug and thrown.
 */
export function commandConfig(
  env: Env | undefined,
): { ok: true; config: AdpulseConfig } | { ok: false; error: string } {
  try {
    return { ok: true, config: loadConfig(env) }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return { ok: false, error: err.message }
  }
}
