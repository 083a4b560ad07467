import { describe, expect, it } from 'vitest'
import { audienceChangeId, diffMembership } from './membership-diff.ts'

const NOW = 1_000_000
const span = (user_id: string, joined_at: number, expires_at: number) => ({ user_id, joined_at, expires_at })

describe('diffMembership', () => {
  it('publishes joins of new members and leaves of those gone, nothing for the unchanged', () => {
    const published = new Map([
      ['stays', span('stays', 10, 2_000_000)],
      ['expired', span('expired', 20, 900_000)],
      ['bought', span('bought', 30, 2_000_000)],
      ['rejoined', span('rejoined', 40, 500_000)],
    ])
    const current = [
      span('stays', 10, 2_100_000),
      span('new', 50, 2_000_000),
      span('rejoined', 950_000, 3_000_000),
    ]
    const changes = diffMembership('cart', current, published, NOW)
    expect(changes.map((c) => [c.user_id, c.change, c.at, c.joined_at, c.expires_at])).toEqual([
      ['new', 'joined', 50, 50, 2_000_000],
      ['rejoined', 'joined', 950_000, 950_000, 3_000_000],
      // Expired: left when the membership ended; taken out otherwise: left now.
      ['expired', 'left', 900_000, 20, 900_000],
      ['bought', 'left', NOW, 30, 2_000_000],
    ])
    expect(changes.every((c) => c.audience === 'cart' && c.published_at === NOW)).toBe(true)
  })

  it('gives a change the same id whenever it is computed again', () => {
    const first = diffMembership('cart', [span('u', 5, 99)], new Map(), NOW)
    const again = diffMembership('cart', [span('u', 5, 120)], new Map(), NOW + 1000)
    expect(first[0]?.change_id).toBe(again[0]?.change_id)
    expect(first[0]?.change_id).toBe(audienceChangeId('cart', 'u', 'joined', 5))
    expect(audienceChangeId('cart', 'u', 'left', 5)).not.toBe(first[0]?.change_id)
    expect(audienceChangeId('other', 'u', 'joined', 5)).not.toBe(first[0]?.change_id)
    expect(first[0]?.change_id).toMatch(/^[0-9a-f]{32}$/)
  })

  it('publishes nothing when nothing changed', () => {
    const members = [span('a', 1, 10), span('b', 2, 20)]
    expect(diffMembership('x', members, new Map(members.map((m) => [m.user_id, m])), NOW)).toEqual([])
  })
})
