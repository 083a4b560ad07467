import { describe, expect, it } from 'vitest'
import { type CampaignQuery, nextCampaignCursor, parseCampaignQuery } from './campaign-query.ts'
import { encodeCursor } from './page-cursor.ts'

const queryOf = (params: Record<string, unknown>): CampaignQuery => {
  const result = parseCampaignQuery(params)
  if (!result.ok) throw new Error(`expected a query, got ${result.error}`)
  return result.value
}
const errorOf = (params: Record<string, unknown>): string => {
  const result = parseCampaignQuery(params)
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`)
  return result.error
}
const campaign = (channel: string, campaign_id: string) => ({
  channel,
  campaign_id,
  ads: [],
  first_event_at: 0,
  last_event_at: 0,
})

describe('parseCampaignQuery', () => {
  it('lists every channel, 100 a page, by default', () => {
    expect(queryOf({}).request).toEqual({ limit: 100 })
    expect(queryOf({ channel: 'social', limit: '1000' }).request).toEqual({ channel: 'social', limit: 1000 })
  })

  it('rejects a bad channel or limit and unknown parameters, naming them', () => {
    expect(errorOf({ channel: 'Social' })).toBe(
      'channel: expected a lowercase slug of 1-64 characters (a-z, 0-9, _ or -), got "Social"',
    )
    expect(errorOf({ channel: ['a', 'b'] })).toBe('channel: expected one value, got ["a","b"]')
    expect(errorOf({ limit: '0' })).toBe('limit: expected an integer 1-1000, got "0"')
    expect(errorOf({ campaign_id: 'c1' })).toBe(
      'unknown parameter "campaign_id": expected channel, limit, cursor',
    )
  })

  it('resumes after the last campaign of the previous page, with the same parameters only', () => {
    const first = queryOf({ channel: 'social', limit: '2' })
    const cursor = nextCampaignCursor(first, {
      rows: [campaign('social', 'a'), campaign('social', 'b')],
      more: true,
    })
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(queryOf({ channel: 'social', limit: '2', cursor }).request).toEqual({
      channel: 'social',
      limit: 2,
      after: { channel: 'social', campaign_id: 'b' },
    })
    const other =
      'cursor: belongs to a query with other parameters; repeat the parameters of the first page with it, or leave it out to start over'
    expect(errorOf({ channel: 'search', limit: '2', cursor })).toBe(other)
    expect(errorOf({ limit: '2', cursor })).toBe(other)
    expect(errorOf({ channel: 'social', cursor })).toBe(other)
  })

  it('has no cursor after the last page', () => {
    const query = queryOf({})
    expect(nextCampaignCursor(query, { rows: [campaign('social', 'a')], more: false })).toBeNull()
    expect(nextCampaignCursor(query, { rows: [], more: false })).toBeNull()
  })

  it('refuses a malformed cursor', () => {
    const { fingerprint } = queryOf({})
    const malformed = 'cursor: expected the next_cursor of an earlier answer, unchanged'
    for (const cursor of [
      '',
      '%%%',
      Buffer.from('"x"').toString('base64url'),
      encodeCursor({ channel: 'social' }, fingerprint),
      encodeCursor({ channel: 'social', campaign_id: 7 }, fingerprint),
    ]) {
      expect(errorOf({ cursor })).toBe(malformed)
    }
  })
})
