/** One ingest key and what comes with it. */
export interface KeyEntry {
  key: string
  /** Source name stamped on every event sent with this key (and the dead-letter key). */
  source: string
  /** HMAC-SHA256 signing secret; null: the key itself signs. */
  secret: string | null
  /** Refuse this key's unsigned requests even when signatures are optional. */
  requireSignature: boolean
  /** Events per second for this key's source; null: the configured default. */
  eventsPerSecond: number | null
}

export type KeyFileParse = { ok: true; entries: KeyEntry[] } | { ok: false; problems: string[] }

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
const MIN_KEY_LENGTH = 8

/**
 * Reads a key file: JSON (`[{"source", "key", "secret"?, "require_signature"?,
 * "events_per_second"?}]`, or that list under `"keys"`), or text with one
 * `source:key` per line (`#` comments and blank lines ignored). Every problem
 * is listed; a file with any problem is refused whole, so a typo never drops keys.
 */
export function parseKeyFile(text: string): KeyFileParse {
  const trimmed = text.trim()
  const problems: string[] = []
  const entries: KeyEntry[] = []
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let value: unknown
    try {
      value = JSON.parse(trimmed)
    } catch (err) {
      return { ok: false, problems: [`not valid JSON: ${(err as Error).message}`] }
    }
    const list = Array.isArray(value) ? value : (value as { keys?: unknown }).keys
    if (!Array.isArray(list)) return { ok: false, problems: ['expected a list of keys, or {"keys": [...]}'] }
    list.forEach((item, i) => {
      const entry = entryOf(item, `entry ${i}`, problems)
      if (entry) entries.push(entry)
    })
  } else {
    text.split('\n').forEach((line, i) => {
      const content = line.trim()
      if (content === '' || content.startsWith('#')) return
      const colon = content.indexOf(':')
      const entry = entryOf(
        colon > 0 ? { source: content.slice(0, colon), key: content.slice(colon + 1) } : { key: content },
        `line ${i + 1}`,
        problems,
      )
      if (entry) entries.push(entry)
    })
  }
  const seen = new Set<string>()
  for (const entry of entries) {
    if (seen.has(entry.key)) problems.push(`key of source ${JSON.stringify(entry.source)} is listed twice`)
    seen.add(entry.key)
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entries }
}

function entryOf(item: unknown, where: string, problems: string[]): KeyEntry | null {
  if (typeof item !== 'object' || item === null) {
    problems.push(`${where}: expected an object with source and key`)
    return null
  }
  const raw = item as Record<string, unknown>
  const before = problems.length
  if (typeof raw.source !== 'string' || !SOURCE.test(raw.source)) {
    problems.push(`${where}: source must be 1-64 letters, digits, '.', '_' or '-'`)
  }
  if (typeof raw.key !== 'string' || raw.key.length < MIN_KEY_LENGTH || /\s/.test(raw.key)) {
    problems.push(`${where}: key must be at least ${MIN_KEY_LENGTH} characters without spaces`)
  }
  if (raw.secret !== undefined && (typeof raw.secret !== 'string' || raw.secret.length < MIN_KEY_LENGTH)) {
    problems.push(`${where}: secret must be at least ${MIN_KEY_LENGTH} characters`)
  }
  if (raw.require_signature !== undefined && typeof raw.require_signature !== 'boolean') {
    problems.push(`${where}: require_signature must be true or false`)
  }
  const rate = raw.events_per_second
  if (rate !== undefined && (typeof rate !== 'number' || !Number.isSafeInteger(rate) || rate < 0)) {
    problems.push(`${where}: events_per_second must be an integer >= 0 (0: no limit)`)
  }
  if (problems.length > before) return null
  return {
    key: raw.key as string,
    source: raw.source as string,
    secret: (raw.secret as string | undefined) ?? null,
    requireSignature: raw.require_signature === true,
    eventsPerSecond: (rate as number | undefined) ?? null,
  }
}
