import type { EnvReader } from './env-reader.ts'
import { REPO_ROOT } from './repo-root.ts'

const DAY_MS = 24 * 3600 * 1000

export interface ClickHouseConfig {
  /** `CLICKHOUSE_URL`, e.g. http://localhost:8123. Unset: embedded ClickHouse through chDB. */
  url: string | undefined
  /** `CLICKHOUSE_USER`, default `default`. */
  user: string
  /** `CLICKHOUSE_PASSWORD`, default empty. */
  password: string
  /** `CLICKHOUSE_DATABASE`, default `adpulse`: created by the migrations when missing. */
  database: string
  /**
   * `CLICKHOUSE_CLUSTER`, unset by default: a cluster name from the servers'
   * `remote_servers`. Set, the migrations create the tables ON CLUSTER with the
   * Replicated engines (every replica keeps the data; needs ClickHouse Keeper
   * and the `{shard}`/`{replica}` macros, see docs/scaling.md). Needs CLICKHOUSE_URL.
   */
  cluster: string | undefined
  /**
   * `ADPULSE_CHDB_PATH`, default `.local/chdb`: data directory of the embedded
   * ClickHouse. chDB allows one data directory per process, so in embedded mode
   * the services must run together in one process (the all-in-one entry).
   */
  chdbPath: string
  /**
   * `ADPULSE_RAW_RETENTION`, default 30d: how long events_raw keeps an event
   * after its receipt (the table's TTL, set at start). The dedup horizon and
   * `adpulse rebuild` cannot reach further back: keep it above the horizon.
   * The minute buckets KPIs are read from are kept.
   */
  rawRetentionMs: number
}

export function readClickHouse(r: EnvReader): ClickHouseConfig {
  const url = r.optionalString('CLICKHOUSE_URL')
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) {
    r.fail(`CLICKHOUSE_URL: expected an http(s) URL, got ${JSON.stringify(url)}`)
  }
  const cluster = r.optionalString('CLICKHOUSE_CLUSTER')
  if (cluster !== undefined && !/^[A-Za-z0-9_.-]+$/.test(cluster)) {
    r.fail(`CLICKHOUSE_CLUSTER: expected a cluster name, got ${JSON.stringify(cluster)}`)
  }
  if (cluster !== undefined && url === undefined) {
    r.fail('CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL (embedded chDB is a single server)')
  }
  const database = r.string('CLICKHOUSE_DATABASE', 'adpulse')
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    r.fail(`CLICKHOUSE_DATABASE: expected an identifier, got ${JSON.stringify(database)}`)
  }
  return {
    url,
    user: r.string('CLICKHOUSE_USER', 'default'),
    password: r.string('CLICKHOUSE_PASSWORD', ''),
    database,
    cluster,
    chdbPath: r.string('ADPULSE_CHDB_PATH', `${REPO_ROOT}.local/chdb`),
    rawRetentionMs: r.durationMs('ADPULSE_RAW_RETENTION', 30 * DAY_MS),
  }
}
