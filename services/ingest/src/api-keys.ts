import { createKeyLookup } from '@adpulse/http'
import type { KeyEntry } from './key-file.ts'

/** The constant-time bearer-key lookup (packages/http/src/bearer-keys.ts), here for the ingest keys. */
export { createKeyLookup }

/** Entries for the `source:key` pairs of ADPULSE_INGEST_KEYS. */
export function envKeyEntries(keys: ReadonlyMap<string, string>): KeyEntry[] {
  return [...keys].map(([key, source]) => ({
    key,
    source,
    secret: null,
    requireSignature: false,
    eventsPerSecond: null,
  }))
}
