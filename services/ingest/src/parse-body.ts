/** One item of a request body: a parsed JSON value, or a line that did not parse (kept as it came). */
export type BodyItem = { ok: true; value: unknown } | { ok: false; error: string; line?: string }

export type BodyParse = { ok: true; items: BodyItem[] } | { ok: false; error: string }

export type BodyFormat = 'json' | 'ndjson'

/**
 * Splits a request body into items. A JSON body must be an array of events
 * (unparsable → the whole request is rejected). NDJSON lines stand alone: a line
 * that does not parse is one rejected item, and its neighbours are kept.
 */
export function parseEventsBody(body: string, format: BodyFormat): BodyParse {
  if (format === 'json') {
    let value: unknown
    try {
      value = JSON.parse(body)
    } catch (err) {
      return { ok: false, error: `body is not valid JSON: ${(err as Error).message}` }
    }
    if (!Array.isArray(value)) {
      return {
        ok: false,
        error: 'body must be a JSON array of events (or NDJSON with Content-Type: application/x-ndjson)',
      }
    }
    return { ok: true, items: value.map((v) => ({ ok: true, value: v })) }
  }
  const items: BodyItem[] = []
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue
    try {
      items.push({ ok: true, value: JSON.parse(line) })
    } catch (err) {
      items.push({ ok: false, error: `line is not valid JSON: ${(err as Error).message}`, line })
    }
  }
  return { ok: true, items }
}
