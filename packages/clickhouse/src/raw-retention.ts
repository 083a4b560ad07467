import type { ClickHouseClient } from '@clickhouse/client'

/**
 * Sets the TTL of events_raw to the configured retention, only when it differs:
 * MODIFY TTL rewrites parts, so an unchanged retention must not trigger it at every start.
 */
export async function applyRawRetention(
  client: ClickHouseClient,
  database: string,
  onCluster: string,
  seconds: number,
): Promise<void> {
  const result = await client.query({
    query: 'SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = {table:String}',
    query_params: { db: database, table: 'events_raw' },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ engine_full: string }>()
  if (row === undefined || row.engine_full.includes(`toIntervalSecond(${seconds})`)) return
  await client.command({
    query: `ALTER TABLE ${database}.events_raw${onCluster}
      MODIFY TTL toDateTime(received_at) + toIntervalSecond(${seconds})`,
  })
}
