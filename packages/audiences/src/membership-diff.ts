import { createHash } from 'node:crypto'
import type { AudienceChange } from '@adpulse/events'

/** A member as computed now, or as last published: epoch ms of when the membership began and ends. */
export interface MembershipSpan {
  user_id: string
  joined_at: number
  expires_at: number
}

/**
 * The id of a change: the same change (audience, user, kind, membership) always
 * has the same id, so a change published again after a crash is recognisable.
 */
export function audienceChangeId(
  audience: string,
  userId: string,
  change: AudienceChange['change'],
  joinedAt: number,
): string {
  return createHash('sha256')
    .update(`${audience}\u0000${userId}\u0000${change}\u0000${joinedAt}`)
    .digest('hex')
    .slice(0, 32)
}

/**
 * The changes that bring the published members of an audience to its current
 * ones: `joined` for a member not published (or whose membership began anew
 * since), `left` for a published member no longer a member (expired, excluded,
 * or forgotten), at the membership's end when it expired, else at `now`.
 */
export function diffMembership(
  audience: string,
  current: readonly MembershipSpan[],
  published: ReadonlyMap<string, MembershipSpan>,
  now: number,
): AudienceChange[] {
  const changes: AudienceChange[] = []
  const change = (span: MembershipSpan, kind: AudienceChange['change'], at: number): AudienceChange => ({
    change_id: audienceChangeId(audience, span.user_id, kind, span.joined_at),
    audience,
    user_id: span.user_id,
    change: kind,
    at,
    joined_at: span.joined_at,
    expires_at: span.expires_at,
    published_at: now,
  })
  const members = new Set<string>()
  for (const member of current) {
    members.add(member.user_id)
    const before = published.get(member.user_id)
    if (before === undefined || before.joined_at !== member.joined_at) {
      changes.push(change(member, 'joined', member.joined_at))
    }
  }
  for (const [userId, span] of published) {
    if (!members.has(userId)) changes.push(change(span, 'left', Math.min(now, span.expires_at)))
  }
  return changes
}
