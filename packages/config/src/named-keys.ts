import type { EnvReader } from './env-reader.ts'

/** Shortest key accepted: a guessable key is no key. */
const MIN_KEY_LENGTH = 8

export interface NamedKeysRules {
  /** Entries when the variable is unset (a development key); never given in production. */
  fallback: readonly string[]
  /** What a name is, in problems: "source" for an ingest key, "name" for a read key. */
  what: string
  /** True in production (without another source of keys): no key at all is a problem. */
  required: boolean
  /** Where else keys may come from, named in the problem of a missing variable. */
  alternative?: string
}

/**
 * The rules of every key variable (ADPULSE_INGEST_KEYS, ADPULSE_READ_KEYS):
 * comma-separated `name:key` pairs, a bare `key` named `key<N>`, each key at
 * least 8 characters, and required when asked (a value of only commas is no
 * key). Returns a map from key to name.
 */
export function readNamedKeys(r: EnvReader, variable: string, rules: NamedKeysRules): Map<string, string> {
  const keys = new Map<string, string>()
  const entries = r.list(variable, rules.fallback)
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':')
    const name = colon > 0 ? entry.slice(0, colon) : `key${index + 1}`
    const key = colon > 0 ? entry.slice(colon + 1) : entry
    if (key.length < MIN_KEY_LENGTH) {
      r.fail(
        `${variable}: key for ${rules.what} ${JSON.stringify(name)} is shorter than ${MIN_KEY_LENGTH} characters`,
      )
      return
    }
    keys.set(key, name)
  })
  if (rules.required && entries.length === 0) {
    const alternative = rules.alternative === undefined ? '' : `, or ${rules.alternative}`
    r.fail(
      `${variable}: required when NODE_ENV=production (comma-separated ${rules.what}:key pairs)${alternative}`,
    )
  }
  return keys
}
