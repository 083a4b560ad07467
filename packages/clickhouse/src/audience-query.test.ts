import type { AudienceDefinition } from '@adpulse/audiences'
import { describe, expect, it } from 'vitest'
import { audienceSizeQuery, membersPageQuery } from './audience-query.ts'

const AUDIENCE: AudienceDefinition = {
  name: 'cart',
  include: {
    type: 'engagement',
    actions: ["add_to_cart'; DROP TABLE x"],
    channels: ['google'],
    campaigns: [],
    lookbackMs: 1000,
  },
  exclude: { type: 'conversion', actions: [], channels: [], campaigns: ['c1'], lookbackMs: undefined },
  durationMs: 500,
}

describe('audience queries', () => {
  it('carries every value as a parameter, never in the SQL', () => {
    const { query, params } = membersPageQuery('db', AUDIENCE, { now: 10_000, after: "u'1", limit: 50 })
    expect(query).not.toContain('DROP TABLE')
    expect(query).not.toContain("u'1")
    expect(params).toEqual({
      now_ms: 10_000,
      include_from_ms: 9_000,
      duration_ms: 500,
      inc_type: 'engagement',
      inc_action: ["add_to_cart'; DROP TABLE x"],
      inc_channel: ['google'],
      exc_type: 'conversion',
      exc_campaign_id: ['c1'],
      after: "u'1",
      limit: 51,
    })
  })

  it('looks for excluding events after the latest including one, or within their own lookback', () => {
    const after = audienceSizeQuery('db', AUDIENCE, 10_000)
    expect(after.query).toContain('LEFT JOIN')
    expect(after.params.exclude_from_ms).toBeUndefined()
    const within = audienceSizeQuery(
      'db',
      {
        ...AUDIENCE,
        exclude: { ...(AUDIENCE.exclude as NonNullable<AudienceDefinition['exclude']>), lookbackMs: 4_000 },
      },
      10_000,
    )
    expect(within.query).not.toContain('LEFT JOIN')
    expect(within.query).toContain('NOT IN')
    expect(within.params.exclude_from_ms).toBe(6_000)
    const none = audienceSizeQuery('db', { ...AUDIENCE, exclude: undefined }, 10_000)
    expect(none.query).not.toContain('exc_')
  })
})
