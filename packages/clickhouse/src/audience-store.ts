import type { AudienceDefinition } from '@adpulse/audiences'
import { audienceSizeQuery, isMemberQuery, type MembersPage, membersPageQuery } from './audience-query.ts'
import { toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'

/** A member of an audience: the user, when their current membership began, and when it ends. */
export interface AudienceMember {
  user_id: string
  /** Epoch ms of the including event that began the current membership. */
  joined_at: number
  /** Epoch ms: the latest including event plus the audience's duration. */
  expires_at: number
}

/**
 * Audience membership, computed from events_raw when asked (audience-query.ts):
 * nothing is stored, so a deleted user or an expired membership is gone at once.
 */
export class AudienceStore extends DatabaseStore {
  async size(audience: AudienceDefinition, now: number): Promise<number> {
    const { query, params } = audienceSizeQuery(this.database, audience, now)
    const [row] = await this.select<{ size: number | string }>(query, params)
    return toCount(row?.size ?? 0)
  }

  /** The names of the audiences the user is a member of at `now`. */
  async audiencesOf(
    audiences: readonly AudienceDefinition[],
    userId: string,
    now: number,
  ): Promise<string[]> {
    const names: string[] = []
    for (const audience of audiences) {
      const { query, params } = isMemberQuery(this.database, audience, userId, now)
      const [row] = await this.select<{ size: number | string }>(query, params)
      if (toCount(row?.size ?? 0) > 0) names.push(audience.name)
    }
    return names
  }

  /** A page of members in user_id order; `more` when another page follows. */
  async members(
    audience: AudienceDefinition,
    page: MembersPage,
  ): Promise<{ members: AudienceMember[]; more: boolean }> {
    const { query, params } = membersPageQuery(this.database, audience, page)
    const rows = await this.select<{
      user_id: string
      joined_ms: number | string
      expires_ms: number | string
    }>(query, params)
    return {
      members: rows.slice(0, page.limit).map((row) => ({
        user_id: row.user_id,
        joined_at: toCount(row.joined_ms),
        expires_at: toCount(row.expires_ms),
      })),
      more: rows.length > page.limit,
    }
  }
}
