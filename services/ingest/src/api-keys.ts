import { createBearerLookup } from '@adpulse/http'
import type { KeyEntry } from './key-file.ts'

/** Looks up the entry of a bearer key in constant time (packages/http/src/bearer-keys.ts). */
export function createKeyLookup(
  keys: readonly KeyEntry[],
): (authorization: string | undefined) => KeyEntry | null {
  return createBearerLookup(keys.map((entry) => ({ key: entry.key, value: entry })))
}

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
