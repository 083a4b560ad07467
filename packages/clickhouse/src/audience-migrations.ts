import type { Ddl } from './migration-ddl.ts'
/**
 * Steps 19 and 20: forgetting a person, and the audience memberships published.
 *
 * 19. user_deletions: the record of every person forgotten (DELETE /v1/users/{user_id},
 *     `adpulse forget`): when, by whom, through what, and how many rows went. The
 *     user_id is kept only as its SHA-256, so the record proves a deletion without
 *     keeping the identifier it was asked to forget in clear.
 */
export const AUDIENCE_MIGRATIONS: ReadonlyArray<(db: string, ddl: Ddl) => string> = [
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.user_deletions${ddl.onCluster} (
    deletion_id UUID,
    user_id_sha256 FixedString(64),
    requested_by String,
    via LowCardinality(String),
    deleted_at DateTime64(3, 'UTC'),
    raw_events_deleted UInt64,
    audiences_left Array(String)
  ) ENGINE = ${ddl.engine('MergeTree')}
  ORDER BY (deleted_at, deletion_id)`,
  // 20. audience_published: the members of each audience as last published on the
  //     audiences topic (joined, not yet left), so a restarted publisher neither
  //     repeats nor forgets a change. A left member's row is deleted; the newest
  //     row of a member wins (published_at).
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.audience_published${ddl.onCluster} (
    audience LowCardinality(String),
    user_id String,
    joined_at DateTime64(3, 'UTC'),
    expires_at DateTime64(3, 'UTC'),
    published_at DateTime64(3, 'UTC')
  ) ENGINE = ${ddl.engine('ReplacingMergeTree')}(published_at)
  ORDER BY (audience, user_id)`,
]
