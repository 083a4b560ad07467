import type { EnvReader } from './env-reader.ts'
import { readNamedKeys } from './named-keys.ts'

export interface ReadApiConfig {
  /**
   * `ADPULSE_READ_KEYS`, comma-separated `name:key` pairs as ADPULSE_INGEST_KEYS
   * (a bare `key` gets the name `key<N>`): the keys GET /v1 routes take as
   * `Authorization: Bearer <key>`. Required when NODE_ENV=production; without
   * it, the development key `demo:adpulse-dev-read-key`. Map from key to name.
   */
  keys: ReadonlyMap<string, string>
}

/** The read key of development (README quick start); never used with NODE_ENV=production. */
export const DEVELOPMENT_READ_KEY = 'adpulse-dev-read-key'
const DEV_READ_KEYS = `demo:${DEVELOPMENT_READ_KEY}`

/**
 * The read API's keys. A key may not also be an ingest key: ingest keys do not
 * read and read keys do not write, so one secret never holds both rights.
 */
export function readReadApi(
  r: EnvReader,
  production: boolean,
  ingestKeys: ReadonlyMap<string, string>,
): ReadApiConfig {
  const keys = readNamedKeys(r, 'ADPULSE_READ_KEYS', {
    fallback: production ? [] : [DEV_READ_KEYS],
    what: 'name',
    required: production,
  })
  for (const [key, name] of keys) {
    if (ingestKeys.has(key)) {
      r.fail(
        `ADPULSE_READ_KEYS: the key of ${JSON.stringify(name)} is also an ingest key (ADPULSE_INGEST_KEYS); a key either reads or writes`,
      )
    }
  }
  return { keys }
}
