import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Finds what a bearer key stands for, in constant time: every known key is
 * compared (as equal-length digests), so timing reveals neither a prefix nor
 * which key matched. The one check of `Authorization: Bearer <key>` for ingest
 * keys and read keys alike.
 */
export function createBearerLookup<T>(
  entries: ReadonlyArray<{ key: string; value: T }>,
): (authorization: string | undefined) => T | null {
  const known = entries.map(({ key, value }) => ({ digest: digest(key), value }))
  return (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    if (!match?.[1]) return null
    const candidate = digest(match[1])
    let found: T | null = null
    for (const entry of known) {
      if (timingSafeEqual(entry.digest, candidate)) found = entry.value
    }
    return found
  }
}

/**
 * The name of a bearer key of a `key → name` map (ADPULSE_READ_KEYS,
 * ADPULSE_ADMIN_KEYS as the config reads them), or null: createBearerLookup over the map.
 */
export function createNamedKeyLookup(
  keys: ReadonlyMap<string, string>,
): (authorization: string | undefined) => string | null {
  return createBearerLookup([...keys].map(([key, name]) => ({ key, value: name })))
}
