import { randomUUID } from 'node:crypto'
import type { AudienceDefinition } from '@adpulse/audiences'
import { customerMatchHash } from '@adpulse/audiences'
import { AudienceStore } from './audience-store.ts'
import { BUCKETS } from './bucket-shapes.ts'
import { dateTime64, toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'
import { insertForgottenBuckets } from './forgotten-buckets.ts'

/** What forgetting a person removed, as answered and as recorded in user_deletions. */
export interface UserDeletion {
  deletion_id: string
  user_id: string
  /** Epoch ms the deletion completed. */
  deleted_at: number
  /** The admin key's name (the API) or the operator's account (the CLI). */
  requested_by: string
  via: 'api' | 'cli'
  raw_events_deleted: number
  /** The audiences the user was a member of and is no longer (membership is computed from events_raw). */
  audiences_left: string[]
}

/** A deletion as DELETE /v1/users/{user_id} and `adpulse forget` answer it: times as ISO 8601. */
export function userDeletionJson(deletion: UserDeletion) {
  return { ...deletion, deleted_at: new Date(deletion.deleted_at).toISOString() }
}

export interface ForgetRequest {
  userId: string
  requestedBy: string
  via: UserDeletion['via']
  audiences: readonly AudienceDefinition[]
  now: number
}

/**
 * Forgets a person: deletes every raw event carrying their user_id and records
 * the deletion. kpi_buckets keeps its sums: its rows hold no ids, and a DELETE
 * does not pass through the view that fills them; the same sums are kept aside
 * in kpi_forgotten, so that `adpulse rebuild` keeps them too. Audience
 * memberships are computed from events_raw, so they go with the events.
 */
export class UserDeletionStore extends DatabaseStore {
  /** The deletion done, or null when events_raw holds no event of the user (nothing is recorded then). */
  async forget(request: ForgetRequest): Promise<UserDeletion | null> {
    const { userId } = request
    const before = await this.countEvents(userId)
    if (before === 0) return null
    const audiencesLeft = await new AudienceStore(this.client, this.database).audiencesOf(
      request.audiences,
      userId,
      request.now,
    )
    // The rows there are now, by their offsets: events of the user written meanwhile are
    // neither kept aside nor deleted by this deletion (a later one takes them).
    const rows = await this.rowsOf(userId)
    // Their sums kept aside first (kpi_forgotten), so a rebuild of their days does not lower the KPIs.
    // The token names the rows: a deletion repeated after a crash before its DELETE keeps them once.
    await this.client.command({
      query: insertForgottenBuckets(BUCKETS, this.database, `WHERE ${rows.where}`),
      query_params: rows.params,
      clickhouse_settings: { insert_deduplication_token: `forget/${rows.token}`, insert_deduplicate: 1 },
    })
    // A lightweight DELETE: the rows are masked at once and dropped by merges;
    // lightweight_deletes_sync = 2 waits until every replica has applied it.
    await this.client.command({
      query: `DELETE FROM ${this.database}.events_raw WHERE ${rows.where}`,
      query_params: rows.params,
      clickhouse_settings: { lightweight_deletes_sync: '2' },
    })
    const left = await this.countEvents(userId, rows)
    if (left !== 0) throw new Error(`forgetting a user: ${left} of their events are still in events_raw`)
    const deletion: UserDeletion = {
      deletion_id: randomUUID(),
      user_id: userId,
      deleted_at: Date.now(),
      requested_by: request.requestedBy,
      via: request.via,
      raw_events_deleted: before,
      audiences_left: audiencesLeft,
    }
    await this.insertRows('user_deletions', [
      {
        deletion_id: deletion.deletion_id,
        user_id_sha256: customerMatchHash(userId),
        requested_by: deletion.requested_by,
        via: deletion.via,
        deleted_at: dateTime64(deletion.deleted_at),
        raw_events_deleted: deletion.raw_events_deleted,
        audiences_left: deletion.audiences_left,
      },
    ])
    return deletion
  }

  /** The user's events (all, or those of a snapshot). */
  private async countEvents(userId: string, rows?: UserRows): Promise<number> {
    const [row] = await this.select<{ n: number | string }>(
      `SELECT count() AS n FROM ${this.database}.events_raw WHERE ${rows?.where ?? 'user_id = {user_id:String}'}`,
      rows?.params ?? { user_id: userId },
    )
    return toCount(row?.n ?? 0)
  }

  /** The user's rows as they are now: per Kafka partition, those at or below its newest offset. */
  private async rowsOf(userId: string): Promise<UserRows> {
    const newest = await this.select<{ topic: string; partition: number; newest: string }>(
      `SELECT topic, partition, toString(max(offset)) AS newest FROM ${this.database}.events_raw
        WHERE user_id = {user_id:String} GROUP BY topic, partition ORDER BY topic, partition`,
      { user_id: userId },
    )
    const params: Record<string, unknown> = { user_id: userId }
    const upTo = newest.map((p, i) => {
      Object.assign(params, { [`t${i}`]: p.topic, [`p${i}`]: p.partition, [`o${i}`]: p.newest })
      return `(topic = {t${i}:String} AND partition = {p${i}:UInt32} AND offset <= {o${i}:UInt64})`
    })
    const at = newest.map((p) => `${p.topic}/${p.partition}/${p.newest}`).join(',')
    return {
      where: `user_id = {user_id:String} AND (${upTo.join(' OR ') || 'false'})`,
      params,
      token: `${customerMatchHash(userId)}/${at}`,
    }
  }
}

/** A user's rows at one moment, as a WHERE clause with its parameters, and a name for them. */
interface UserRows {
  where: string
  params: Record<string, unknown>
  token: string
}
