import type { ClickHouseClient } from '@clickhouse/client'

/** Where kpi_minute's rows wait, in kpi_buckets' shape, between leaving kpi_minute and entering kpi_buckets. */
const FOLD = 'kpi_minute_fold'

/**
 * Folds kpi_minute (minute buckets imported directly, or written by versions
 * before events_raw) into kpi_buckets, keeping every sum, then drops it: the KPI
 * query and the resume offset then read one table. Each row keeps its Kafka
 * topic, partition and newest offset (source_topic, source_partition,
 * last_offset → topic, partition, last_offset), so kpi_buckets' newest_offsets
 * carry the resume point of a partition last written before events_raw.
 *
 * Safe to cut short and run again: the rows are staged in a copy of
 * kpi_buckets, kpi_minute is dropped only once they all are, and each UTC day is
 * then moved into kpi_buckets atomically (MOVE PARTITION), so no row is lost or
 * counted twice whatever step a crash interrupts. A database without kpi_minute
 * and without a fold under way costs one query.
 */
export async function foldKpiMinute(
  client: ClickHouseClient,
  database: string,
  onCluster: string,
): Promise<void> {
  const tables = await existingTables(client, database, ['kpi_minute', FOLD])
  const fold = `${database}.${FOLD}`
  if (tables.has('kpi_minute')) {
    await client.command({ query: `CREATE TABLE IF NOT EXISTS ${fold} AS ${database}.kpi_buckets` })
    // A fold cut short before kpi_minute was dropped has moved nothing yet: start it over.
    await client.command({ query: `TRUNCATE TABLE ${fold}` })
    await client.command({
      query: `INSERT INTO ${fold} (minute, channel, campaign_id, topic, partition, impressions, clicks,
          conversions, spend_micros, revenue_micros, revenue_squares, last_offset)
        SELECT minute, channel, campaign_id, source_topic, source_partition, impressions, clicks,
          conversions, spend_micros, revenue_micros, revenue_squares, last_offset
        FROM ${database}.kpi_minute`,
      // Two equal blocks are two buckets here, and a repeated fold must not be taken for a retry.
      clickhouse_settings: { insert_deduplicate: 0 },
    })
    await client.command({ query: `DROP TABLE ${database}.kpi_minute${onCluster}` })
  } else if (!tables.has(FOLD)) {
    return
  }
  for (const id of await partitionIds(client, database, FOLD)) {
    await client.command({
      query: `ALTER TABLE ${fold} MOVE PARTITION ID '${id}' TO TABLE ${database}.kpi_buckets`,
    })
  }
  await client.command({ query: `DROP TABLE IF EXISTS ${fold}` })
}

async function existingTables(
  client: ClickHouseClient,
  database: string,
  names: string[],
): Promise<Set<string>> {
  const result = await client.query({
    query: 'SELECT name FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}',
    query_params: { db: database, names },
    format: 'JSONEachRow',
  })
  return new Set((await result.json<{ name: string }>()).map((r) => r.name))
}

async function partitionIds(client: ClickHouseClient, database: string, table: string): Promise<string[]> {
  const result = await client.query({
    query: `SELECT DISTINCT partition_id FROM system.parts
      WHERE database = {db:String} AND table = {table:String} AND active ORDER BY partition_id`,
    query_params: { db: database, table },
    format: 'JSONEachRow',
  })
  return (await result.json<{ partition_id: string }>()).map((r) => r.partition_id)
}
