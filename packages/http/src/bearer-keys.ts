import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Looks up the entry of a bearer key (`Authorization: Bearer <key>`) in constant
 * time: every known key is compared (as equal-length digests), so timing does
 * not reveal a prefix. Shared by the ingest keys and the admin keys.
 */
export function createKeyLookup<T extends { key: string }>(
  keys: readonly T[],
): (authorization: string | undefined) => T | null {
  const entries = keys.map((entry) => ({ digest: digest(entry.key), entry }))
  return (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    if (!match?.[1]) return null
    const candidate = digest(match[1])
    let found: T | null = null
    for (const { digest: known, entry } of entries) {
      if (timingSafeEqual(known, candidate)) found = entry
    }
    return found
  }
}
