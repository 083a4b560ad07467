import { createHash, timingSafeEqual } from 'node:crypto'
import type { KeyEntry } from './key-file.ts'

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Looks up the entry of a bearer key in constant time: every known key is
 * compared (as equal-length digests), so timing does not reveal a prefix.
 */
export function createKeyLookup(
  keys: readonly KeyEntry[],
): (authorization: string | undefined) => KeyEntry | null {
  const entries = keys.map((entry) => ({ digest: digest(entry.key), entry }))
  return (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    if (!match?.[1]) return null
    const candidate = digest(match[1])
    let found: KeyEntry | null = null
    for (const { digest: known, entry } of entries) {
      if (timingSafeEqual(known, candidate)) found = entry
    }
    return found
  }
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
