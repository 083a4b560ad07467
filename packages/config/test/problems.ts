import { loadConfig } from '../src/config.ts'
import { ConfigError } from '../src/env-reader.ts'

/** The problems loadConfig reports for an environment, in its order; none when it loads. */
export function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  return []
}
