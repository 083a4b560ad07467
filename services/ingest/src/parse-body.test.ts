import { describe, expect, it } from 'vitest'
import { type BodyItem, parseEventsBody } from './parse-body.ts'

const itemsOf = (body: string, format: 'json' | 'ndjson'): BodyItem[] => {
  const result = parseEventsBody(body, format)
  if (!result.ok) throw new Error(`expected items, got ${result.error}`)
  return result.items
}

describe('parseEventsBody: JSON', () => {
  it('reads a JSON array, one item per element, whatever the elements are', () => {
    expect(itemsOf('[{"event_id":"a"},{"event_id":"b"},42,null]', 'json')).toEqual([
      { ok: true, value: { event_id: 'a' } },
      { ok: true, value: { event_id: 'b' } },
      { ok: true, value: 42 },
      { ok: true, value: null },
    ])
  })

  it('reads an empty array as no items', () => {
    expect(itemsOf(' [ ] ', 'json')).toEqual([])
  })

  it('rejects JSON that is not an array', () => {
    for (const body of ['{"event_id":"a"}', '42', '"events"', 'null']) {
      const result = parseEventsBody(body, 'json')
      expect(result).toEqual({
        ok: false,
        error: 'body must be a JSON array of events (or NDJSON with Content-Type: application/x-ndjson)',
      })
    }
  })

  it('rejects malformed JSON as a whole', () => {
    for (const body of ['[{"event_id":"a"},', '', '{"a":1}\n{"b":2}']) {
      const result = parseEventsBody(body, 'json')
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error).toMatch(/^body is not valid JSON: /)
    }
  })
})

describe('parseEventsBody: nesting', () => {
  const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

  it('refuses a JSON body nested deeper than 64 levels as a whole, before parsing it', () => {
    for (const body of [arrays(65), arrays(100_000), `[{"a":${arrays(64)}}]`]) {
      expect(parseEventsBody(body, 'json')).toEqual({
        ok: false,
        error:
          'body is JSON nested deeper than 64 levels of arrays and objects (an event needs 2: the array and the event)',
      })
    }
  })

  it('reads a JSON body nested 64 levels deep', () => {
    expect(itemsOf(arrays(64), 'json')).toHaveLength(1)
  })

  it('refuses an NDJSON line nested deeper than 64 levels as one item, kept as it came', () => {
    const deep = `{"a":${arrays(64)}}`
    expect(itemsOf(`{"event_id":"a"}\n${deep}\n${arrays(64)}`, 'ndjson')).toEqual([
      { ok: true, value: { event_id: 'a' } },
      {
        ok: false,
        error: 'line is JSON nested deeper than 64 levels of arrays and objects (an event needs 1)',
        line: deep,
      },
      { ok: true, value: JSON.parse(arrays(64)) },
    ])
  })
})

describe('parseEventsBody: NDJSON', () => {
  it('reads one item per line', () => {
    expect(itemsOf('{"event_id":"a"}\n{"event_id":"b"}\n', 'ndjson')).toEqual([
      { ok: true, value: { event_id: 'a' } },
      { ok: true, value: { event_id: 'b' } },
    ])
  })

  it('keeps the neighbours of a bad line and reports it at its index', () => {
    const items = itemsOf('{"event_id":"a"}\n{"event_id":\n{"event_id":"c"}', 'ndjson')
    expect(items).toHaveLength(3)
    expect(items[0]).toEqual({ ok: true, value: { event_id: 'a' } })
    expect(items[1]?.ok).toBe(false)
    if (items[1] && !items[1].ok) {
      expect(items[1].error).toMatch(/^line is not valid JSON: /)
      expect(items[1].line).toBe('{"event_id":')
    }
    expect(items[2]).toEqual({ ok: true, value: { event_id: 'c' } })
  })

  it('ignores blank and whitespace-only lines', () => {
    expect(itemsOf('\n{"event_id":"a"}\n\n   \n\t\n{"event_id":"b"}\n\n', 'ndjson')).toEqual([
      { ok: true, value: { event_id: 'a' } },
      { ok: true, value: { event_id: 'b' } },
    ])
    expect(itemsOf('', 'ndjson')).toEqual([])
    expect(itemsOf('\n\n', 'ndjson')).toEqual([])
  })

  it('accepts CRLF line endings', () => {
    expect(itemsOf('{"event_id":"a"}\r\n{"event_id":"b"}\r\n', 'ndjson')).toEqual([
      { ok: true, value: { event_id: 'a' } },
      { ok: true, value: { event_id: 'b' } },
    ])
  })

  it('reads a JSON array on one line as one item', () => {
    expect(itemsOf('[1,2]', 'ndjson')).toEqual([{ ok: true, value: [1, 2] }])
  })
})
