import type { EnvReader } from './env-reader.ts'

/** Shortest key accepted: a guessable key is no key. */
const MIN_KEY_LENGTH = 8

/**
 * The `name:key` form of every key variable (ADPULSE_INGEST_KEYS, ADPULSE_READ_KEYS):
 * comma-separated pairs, a bare `key` named `key<N>`, each key at least 8
 * characters. Returns a map from key to name; `what` names the name in problems
 * ("source" for an ingest key, "name" for a read key).
 */
export function readNamedKeys(
  r: EnvReader,
  variable: string,
  fallback: readonly string[],
  what = 'name',
): Map<string, string> {
  const keys = new Map<string, string>()
  r.list(variable, fallback).forEach((entry, index) => {
    const colon = entry.indexOf(':')
    const name = colon > 0 ? entry.slice(0, colon) : `key${index + 1}`
    const key = colon > 0 ? entry.slice(colon + 1) : entry
    if (key.length < MIN_KEY_LENGTH) {
      r.fail(
        `${variable}: key for ${what} ${JSON.stringify(name)} is shorter than ${MIN_KEY_LENGTH} characters`,
      )
      return
    }
    keys.set(key, name)
  })
  return keys
}
