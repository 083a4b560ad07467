import { describe, expect, it } from 'vitest'
import { parseKeyFile } from './key-file.ts'

describe('parseKeyFile', () => {
  it('reads source:key lines, skipping comments and blank lines', () => {
    expect(parseKeyFile('# rotated 2026-11-22\n\ngoogle:key-aaaaaaaa\n  meta:key:with:colons  \n')).toEqual({
      ok: true,
      entries: [
        {
          key: 'key-aaaaaaaa',
          source: 'google',
          secret: null,
          requireSignature: false,
          eventsPerSecond: null,
        },
        {
          key: 'key:with:colons',
          source: 'meta',
          secret: null,
          requireSignature: false,
          eventsPerSecond: null,
        },
      ],
    })
  })

  it('reads JSON, as a list or under "keys", with secrets, signature requirement and rates', () => {
    const entry = {
      source: 'tiktok',
      key: 'key-cccccccc',
      secret: 'sign-secret-1',
      require_signature: true,
      events_per_second: 500,
    }
    const expected = {
      ok: true,
      entries: [
        {
          key: 'key-cccccccc',
          source: 'tiktok',
          secret: 'sign-secret-1',
          requireSignature: true,
          eventsPerSecond: 500,
        },
      ],
    }
    expect(parseKeyFile(JSON.stringify([entry]))).toEqual(expected)
    expect(parseKeyFile(JSON.stringify({ keys: [entry] }))).toEqual(expected)
  })

  it('refuses the whole file on any problem, listing every one', () => {
    const result = parseKeyFile(
      'google:short\nno-source-key-here\nbad source:key-dddddddd\nok:key-eeeeeeee\nok2:key-eeeeeeee',
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toEqual([
      expect.stringMatching(/^line 1: key must be at least 8/),
      expect.stringMatching(/^line 2: source must be/),
      expect.stringMatching(/^line 3: source must be/),
      expect.stringMatching(/listed twice/),
    ])
  })

  it('refuses JSON of the wrong shape or types', () => {
    expect(parseKeyFile('{"keys": 3}')).toEqual({
      ok: false,
      problems: [expect.stringMatching(/list of keys/)],
    })
    expect(parseKeyFile('[{"source": "a", "key": "key-ffffffff", "events_per_second": -1}]').ok).toBe(false)
    expect(parseKeyFile('[{"source": "a", "key": "key-ffffffff", "require_signature": "yes"}]').ok).toBe(
      false,
    )
    expect(parseKeyFile('[{"source": "a", "key": "key-ffffffff", "secret": "short"}]').ok).toBe(false)
    expect(parseKeyFile('[1]').ok).toBe(false)
    expect(parseKeyFile('[{"source": "a"').ok).toBe(false)
  })
})
