import type { MembershipSpan } from '@adpulse/audiences'
import type { AudienceChange } from '@adpulse/events'
import { dateTime64, toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'

/**
 * audience_published: each audience's members as last published on the
 * audiences topic. The publisher reads it to diff, and records a tick's changes
 * after the topic acknowledged them: a crash in between publishes them again,
 * with the same change ids.
 */
export class AudiencePublishedStore extends DatabaseStore {
  async members(audience: string): Promise<Map<string, MembershipSpan>> {
    const rows = await this.select<{
      user_id: string
      joined_ms: number | string
      expires_ms: number | string
    }>(
      `SELECT user_id, toUnixTimestamp64Milli(joined_at) AS joined_ms, toUnixTimestamp64Milli(expires_at) AS expires_ms
       FROM ${this.database}.audience_published FINAL WHERE audience = {audience:String}`,
      { audience },
    )
    return new Map(
      rows.map((r) => [
        r.user_id,
        { user_id: r.user_id, joined_at: toCount(r.joined_ms), expires_at: toCount(r.expires_ms) },
      ]),
    )
  }

  /** Records published changes: joined members kept, left members' rows deleted. */
  async record(audience: string, changes: readonly AudienceChange[]): Promise<void> {
    const joined = changes.filter((c) => c.change === 'joined')
    const left = changes.filter((c) => c.change === 'left').map((c) => c.user_id)
    await this.insertRows(
      'audience_published',
      joined.map((c) => ({
        audience,
        user_id: c.user_id,
        joined_at: dateTime64(c.joined_at),
        expires_at: dateTime64(c.expires_at),
        published_at: dateTime64(c.published_at),
      })),
    )
    if (left.length === 0) return
    await this.client.command({
      query: `DELETE FROM ${this.database}.audience_published
        WHERE audience = {audience:String} AND user_id IN {users:Array(String)}`,
      query_params: { audience, users: left },
      clickhouse_settings: { lightweight_deletes_sync: '2' },
    })
  }
}
