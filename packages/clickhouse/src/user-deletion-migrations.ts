/** What a step needs of migrations.ts' Ddl: ON CLUSTER and the (Replicated) engine. */
interface MigrationDdl {
  onCluster: string
  engine(name: 'MergeTree'): string
}

/**
 * 19. user_deletions: the record of every person forgotten (DELETE /v1/users/{user_id},
 *     `adpulse forget`): when, by whom, through what, and how many rows went. The
 *     user_id is kept only as its SHA-256, so the record proves a deletion without
 *     keeping the identifier it was asked to forget in clear.
 */
export const USER_DELETION_MIGRATIONS: ReadonlyArray<(db: string, ddl: MigrationDdl) => string> = [
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
]
