import { describe, expect, it } from 'vitest'
import { type KpiQuery, kpiRequestOf, nextKpiCursor, parseKpiQuery } from './kpi-query.ts'
import { encodeCursor } from './page-cursor.ts'

const NOW = Date.parse('2026-11-22T10:30:15.500Z')
const LATER = NOW + 10 * 60_000 + 12_345

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
const MALFORMED = 'cursor: expected the next_cursor of an earlier answer, unchanged'
const OTHER_QUERY =
  'cursor: belongs to a query with other parameters; repeat the parameters of the first page with it, or leave it out to start over'

describe('nextKpiCursor and parseKpiQuery: paging', () => {
  const params = { window: '1h', by: 'campaign,ad', channel: 'search', sort: 'spend_micros', limit: '2' }

  it('pins the range of the first page while the rolling window moves on, and counts the offset', () => {
    const first = queryOf(params)
    const cursor = nextKpiCursor(first, 2, true)
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    const second = queryOf({ ...params, cursor }, LATER)
    expect(second).toEqual({ ...first, offset: 2 })
    expect(queryOf(params, LATER).range).not.toEqual(first.range)
    const third = queryOf({ ...params, cursor: nextKpiCursor(second, 2, true) }, LATER + 3_600_000)
    expect(third).toEqual({ ...first, offset: 4 })
    expect(kpiRequestOf(third)).toEqual({
      range: first.range,
      by: ['channel', 'campaign', 'ad'],
      filters: { channel: 'search' },
      bucketing: undefined,
      sort: { kpi: 'spend_micros', order: 'desc' },
      limit: 2,
      offset: 4,
    })
  })

  it('has no cursor after the last page', () => {
    expect(nextKpiCursor(queryOf(params), 2, false)).toBeNull()
    expect(nextKpiCursor(queryOf(params), 0, false)).toBeNull()
  })

  it('pins the end of a range given only its start, and keeps a fixed range', () => {
    const fromOnly = { from: '2026-11-22T09:00:00Z', by: 'campaign' }
    const first = queryOf(fromOnly)
    expect(queryOf({ ...fromOnly, cursor: nextKpiCursor(first, 100, true) }, LATER)).toEqual({
      ...first,
      offset: 100,
    })
    const fixed = {
      from: '2026-11-21T00:00:00Z',
      to: '2026-11-22T00:00:00Z',
      bucket: 'day',
      tz: 'Asia/Tehran',
    }
    const day = queryOf(fixed)
    expect(queryOf({ ...fixed, cursor: nextKpiCursor(day, 100, true) }, LATER)).toEqual({
      ...day,
      offset: 100,
    })
  })

  it('takes the dimensions of by in any order with the cursor', () => {
    const cursor = nextKpiCursor(queryOf(params), 2, true)
    expect(queryOf({ ...params, by: 'ad,campaign', cursor }).offset).toBe(2)
  })

  it('refuses a cursor with any other parameter, naming cursor', () => {
    const cursor = nextKpiCursor(queryOf(params), 2, true)
    const others: Record<string, unknown>[] = [
      { ...params, window: '24h' },
      { ...params, by: 'campaign' },
      { ...params, channel: 'social' },
      { ...params, campaign_id: 'c1' },
      { ...params, sort: 'roi' },
      { ...params, order: 'asc' },
      { ...params, limit: '3' },
      { ...params, bucket: 'hour' },
      { by: 'campaign,ad', channel: 'search', sort: 'spend_micros', limit: '2' }, // window=1h by default
    ]
    for (const other of others) expect(errorOf({ ...other, cursor })).toBe(OTHER_QUERY)
  })

  it('refuses a malformed cursor, naming cursor', () => {
    const first = queryOf(params)
    const crafted = (state: Record<string, unknown>) => encodeCursor(state, first.fingerprint)
    const { from, to } = first.range
    const bad: unknown[] = [
      '',
      'not base64!',
      ['a', 'b'],
      Buffer.from('{"from":').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('null').toString('base64url'),
      Buffer.from(JSON.stringify({ from, to, offset: 2 })).toString('base64url'), // no fingerprint
      crafted({ from, to }),
      crafted({ from, to, offset: -1 }),
      crafted({ from, to, offset: 1.5 }),
      crafted({ from, to, offset: '2' }),
      crafted({ from: from - 3_600_000, to, offset: 2 }), // two hours for a 1h window
      crafted({ from: from + 30_000, to: to + 30_000, offset: 2 }), // off the minute
      crafted({ from: 0, to: 0, offset: 2 }),
    ]
    for (const cursor of bad) expect(errorOf({ ...params, cursor })).toBe(MALFORMED)
    const fixed = { from: '2026-11-21T00:00:00Z', to: '2026-11-22T00:00:00Z' }
    const day = queryOf(fixed)
    const otherDay = encodeCursor(
      { from: day.range.from - 86_400_000, to: day.range.from, offset: 5 },
      day.fingerprint,
    )
    expect(errorOf({ ...fixed, cursor: otherDay })).toBe(MALFORMED)
  })

  it('answers other mistakes before the cursor', () => {
    expect(errorOf({ ...params, limit: '0', cursor: 'x' })).toMatch(/^limit: /)
  })
})
