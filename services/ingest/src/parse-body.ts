import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts'

/** One item of a request body: a parsed JSON value, or a line that did not parse (kept as it came). */
export type BodyItem = { ok: true; value: unknown } | { ok: false; error: string; line?: string }

export type BodyParse = { ok: true; items: BodyItem[] } | { ok: false; error: string }

export type BodyFormat = 'json' | 'ndjson'

const TOO_DEEP = `JSON nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`

/**
 * Splits a request body into items. A JSON body must be an array of events
 * (unparsable → the whole request is rejected). NDJSON lines stand alone: a line
 * that does not parse is one rejected item, and its neighbours are kept. Text
 * nested deeper than MAX_JSON_DEPTH does not parse, so no deep value goes on.
 */
export function parseEventsBody(body: string, format: BodyFormat): BodyParse {
  if (format === 'json') {
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      return { ok: false, error: `body is ${TOO_DEEP} (an event needs 2: the array and the event)` }
    }
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
    if (nestsDeeperThan(line, MAX_JSON_DEPTH)) {
      items.push({ ok: false, error: `line is ${TOO_DEEP} (an event needs 1)`, line })
      continue
    }
    try {
      items.push({ ok: true, value: JSON.parse(line) })
    } catch (err) {
      items.push({ ok: false, error: `line is not valid JSON: ${(err as Error).message}`, line })
    }
  }
  return { ok: true, items }
}
