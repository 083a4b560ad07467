import { describe, expect, it } from 'vitest'
import { type KpiQuery, parseKpiQuery } from './kpi-query.ts'

const NOW = Date.parse('2026-11-22T10:30:15.500Z')
const END = Date.parse('2026-11-22T10:31:00Z') // end of the current minute

/** What a query without paging, filters or sort adds to its range and grouping. */
const FIRST_PAGE = {
  filters: {},
  bucketing: undefined,
  sort: undefined,
  limit: 100,
  offset: 0,
  fingerprint: expect.any(String),
}
const BY_CHANNEL = ['channel']
const BY_CAMPAIGN = ['channel', 'campaign']

const queryOf = (params: Record<string, unknown>, now = NOW): KpiQuery => {
  const result = parseKpiQuery(params, now)
  if (!result.ok) throw new Error(`expected a query, got ${result.error}`)
  return result.query
}
const errorOf = (params: Record<string, unknown>, now = NOW): string => {
  const result = parseKpiQuery(params, now)
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.query)}`)
  return result.error
}

describe('parseKpiQuery: named windows', () => {
  it('reads each named window as a rolling range ending with the current minute', () => {
    expect(queryOf({ window: '15m' })).toEqual({
      window: '15m',
      range: { from: Date.parse('2026-11-22T10:16:00Z'), to: END },
      by: BY_CHANNEL,
      ...FIRST_PAGE,
    })
    expect(queryOf({ window: '1h' })).toEqual({
      window: '1h',
      range: { from: Date.parse('2026-11-22T09:31:00Z'), to: END },
      by: BY_CHANNEL,
      ...FIRST_PAGE,
    })
    expect(queryOf({ window: '24h' })).toEqual({
      window: '24h',
      range: { from: Date.parse('2026-11-21T10:31:00Z'), to: END },
      by: BY_CHANNEL,
      ...FIRST_PAGE,
    })
    expect(queryOf({ window: '7d', by: 'campaign' })).toEqual({
      window: '7d',
      range: { from: Date.parse('2026-11-15T10:31:00Z'), to: END },
      by: BY_CAMPAIGN,
      ...FIRST_PAGE,
    })
  })

  it('defaults to the last hour by channel', () => {
    expect(queryOf({})).toEqual({
      window: '1h',
      range: { from: Date.parse('2026-11-22T09:31:00Z'), to: END },
      by: BY_CHANNEL,
      ...FIRST_PAGE,
    })
    expect(queryOf({ by: 'campaign' }).by).toEqual(BY_CAMPAIGN)
  })
})

describe('parseKpiQuery: from/to', () => {
  it('reads RFC 3339 times', () => {
    expect(queryOf({ from: '2026-11-21T00:00:00Z', to: '2026-11-22T00:00:00Z', by: 'campaign' })).toEqual({
      window: null,
      range: { from: Date.parse('2026-11-21T00:00:00Z'), to: Date.parse('2026-11-22T00:00:00Z') },
      by: BY_CAMPAIGN,
      ...FIRST_PAGE,
    })
  })

  it('reads RFC 3339 times with a half-hour offset (a Tehran day)', () => {
    expect(queryOf({ from: '2026-11-22T00:00:00+03:30', to: '2026-11-23T00:00:00+03:30' }).range).toEqual({
      from: Date.parse('2026-11-21T20:30:00Z'),
      to: Date.parse('2026-11-22T20:30:00Z'),
    })
  })

  it('reads epoch milliseconds', () => {
    const from = Date.parse('2026-11-22T09:00:00Z')
    const to = Date.parse('2026-11-22T10:00:00Z')
    expect(queryOf({ from: String(from), to: String(to) })).toEqual({
      window: null,
      range: { from, to },
      by: BY_CHANNEL,
      ...FIRST_PAGE,
    })
  })

  it('ends with the current minute when only from is given (like the named windows)', () => {
    expect(queryOf({ from: '2026-11-22T09:00:00Z' }).range).toEqual({
      from: Date.parse('2026-11-22T09:00:00Z'),
      to: END,
    })
  })

  it('accepts a range of 400 days', () => {
    const from = Date.parse('2025-01-01T00:00:00Z')
    expect(queryOf({ from: String(from), to: String(from + 400 * 86_400_000) }).range.to).toBe(
      from + 400 * 86_400_000,
    )
  })
})

describe('parseKpiQuery: errors', () => {
  it('rejects an unknown window', () => {
    expect(errorOf({ window: '2h' })).toBe('window: expected one of 15m, 1h, 24h, 7d, got "2h"')
    expect(errorOf({ window: '' })).toBe('window: expected one of 15m, 1h, 24h, 7d, got ""')
    expect(errorOf({ window: ['1h'] })).toMatch(/^window: expected one of 15m, 1h, 24h, 7d/)
  })

  it('rejects a window named like a property every object has', () => {
    for (const window of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(errorOf({ window })).toBe(
        `window: expected one of 15m, 1h, 24h, 7d, got ${JSON.stringify(window)}`,
      )
    }
  })

  it('rejects both window and from or to', () => {
    expect(errorOf({ window: '1h', from: '2026-11-22T09:00:00Z' })).toBe(
      'give either window or from/to, not both',
    )
    expect(errorOf({ window: '1h', to: '2026-11-22T10:00:00Z' })).toBe(
      'give either window or from/to, not both',
    )
  })

  it('rejects times off a minute boundary', () => {
    const message = 'from and to must fall on whole minutes (buckets are minutes of event time)'
    expect(errorOf({ from: '2026-11-22T09:00:30Z', to: '2026-11-22T10:00:00Z' })).toBe(message)
    expect(errorOf({ from: '2026-11-22T09:00:00Z', to: '2026-11-22T10:00:00.001Z' })).toBe(message)
    expect(
      errorOf({ from: String(Date.parse('2026-11-22T09:00:00Z') + 1), to: '2026-11-22T10:00:00Z' }),
    ).toBe(message)
  })

  it('rejects to before or equal to from', () => {
    expect(errorOf({ from: '2026-11-22T10:00:00Z', to: '2026-11-22T09:00:00Z' })).toBe(
      'to must be after from',
    )
    expect(errorOf({ from: '2026-11-22T10:00:00Z', to: '2026-11-22T10:00:00Z' })).toBe(
      'to must be after from',
    )
  })

  it('rejects a range over 400 days', () => {
    const from = Date.parse('2025-01-01T00:00:00Z')
    expect(errorOf({ from: String(from), to: String(from + 400 * 86_400_000 + 60_000) })).toBe(
      'the range may span at most 400 days',
    )
  })

  it('rejects a bad by', () => {
    const expected =
      'by: expected a comma list of channel, campaign, ad, action, source, each at most once, got'
    expect(errorOf({ by: 'adset' })).toBe(`${expected} "adset"`)
    expect(errorOf({ window: '1h', by: 'Channel' })).toBe(`${expected} "Channel"`)
    expect(errorOf({ by: '' })).toBe(`${expected} ""`)
  })

  it('rejects unreadable times', () => {
    expect(errorOf({ from: 'yesterday', to: '2026-11-22T10:00:00Z' })).toBe(
      'from: expected RFC 3339 or epoch ms, got "yesterday"',
    )
    expect(errorOf({ from: '2026-11-22T09:00:00Z', to: '' })).toBe(
      'to: expected RFC 3339 or epoch ms, got ""',
    )
    expect(errorOf({ from: '-60000', to: '2026-11-22T10:00:00Z' })).toMatch(/^from: /)
    expect(errorOf({ from: '2026-11-22', to: '2026-11-23' })).toMatch(/^from: /)
  })

  it('rejects to without from', () => {
    expect(errorOf({ to: '2026-11-22T10:00:00Z' })).toBe('from: expected RFC 3339 or epoch ms, got undefined')
  })

  it('rejects a time without offset, which would be read in the server time zone', () => {
    expect(errorOf({ from: '2026-11-22T09:00:00', to: '2026-11-22T10:00:00Z' })).toMatch(/^from: /)
    expect(errorOf({ from: '2026-11-22T09:00:00Z', to: '2026-11-22T10:00:00' })).toMatch(/^to: /)
  })
})

describe('parseKpiQuery: buckets', () => {
  it('reads bucket and tz, UTC by default', () => {
    expect(queryOf({ window: '24h', bucket: 'hour' }).bucketing).toEqual({ unit: 'hour', timeZone: 'UTC' })
    expect(
      queryOf({ from: '2026-11-20T20:30:00Z', to: '2026-11-22T20:30:00Z', bucket: 'day', tz: 'Asia/Tehran' }),
    ).toMatchObject({ bucketing: { unit: 'day', timeZone: 'Asia/Tehran' }, by: BY_CHANNEL })
    expect(queryOf({ window: '1h' }).bucketing).toBeUndefined()
  })

  it('rejects unknown buckets and zones, and a zone without a bucket', () => {
    expect(errorOf({ window: '24h', bucket: 'week' })).toBe('bucket: expected hour or day, got "week"')
    expect(errorOf({ window: '24h', bucket: 'day', tz: 'Mars/Olympus' })).toBe(
      'tz: expected an IANA time zone such as Asia/Tehran, got "Mars/Olympus"',
    )
    expect(errorOf({ window: '24h', tz: 'UTC' })).toBe('tz: only meaningful with bucket=hour or bucket=day')
  })
})
