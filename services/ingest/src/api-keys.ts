import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Looks up the source of a bearer key in constant time: every known key is
 * compared (as equal-length digests), so timing does not reveal a prefix.
 */
export function createKeyLookup(
  keys: ReadonlyMap<string, string>,
): (authorization: string | undefined) => string | null {
  const entries = [...keys].map(([key, source]) => ({ digest: digest(key), source }))
  return (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    if (!match?.[1]) return null
    const candidate = digest(match[1])
    let source: string | null = null
    for (const entry of entries) {
      if (timingSafeEqual(entry.digest, candidate)) source = entry.source
    }
    return source
  }
}
