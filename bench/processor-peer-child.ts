import { openMigratedChdb } from './embedded-chdb.ts'

/**
 * The peer of `pnpm bench:processor`, in a process of its own (its own chDB
 * data directory): ClickHouse's Kafka table engine reading the benchmark's
 * events as JSONEachRow from the twin topic, and a materialized view writing
 * them into events_raw of a database migrated as the processor's, so the rows
 * land in the same table, and kpi_buckets_mv (the bucket SELECT of
 * bucket-shapes.ts) makes the same minute buckets of them. No pricing (the
 * cost is as sent), no dedup, no exactly-once: what users would otherwise
 * pick. Timed from creating the Kafka table until events_raw counts every event.
 */
export interface PeerRequest {
  brokers: string[]
  /** The twin topic, its consumer group already pointed at offset 0 (bench/processor-peer.ts). */
  topic: string
  group: string
  events: number
  chdbPath: string
  run: number
}

export interface PeerReport {
  seconds: number
  /** What kpi_buckets summed: the benchmark checks that every event is in a bucket. */
  bucketed: number
}

async function run(request: PeerRequest): Promise<PeerReport> {
  const database = `peer_${Date.now()}_${request.run}`
  const client = await openMigratedChdb(request.chdbPath, database)
  const count = async (query: string) => {
    const result = await client.query({ query, format: 'JSONEachRow' })
    return Number((await result.json<{ n: number | string }>())[0]?.n ?? 0)
  }
  const started = performance.now()
  // One consumer, as the issue measured; a short flush interval, so that the last block does not wait 7.5 s.
  await client.command({
    query: `CREATE TABLE ${database}.events_queue (
        event_id String, source String, type String, occurred_at DateTime64(3, 'UTC'),
        channel String, campaign_id String, ad_id Nullable(String), click_id Nullable(String),
        user_id Nullable(String), action String, cost_micros Int128, value_micros Int128,
        currency String, received_at DateTime64(3, 'UTC')
      ) ENGINE = Kafka SETTINGS kafka_broker_list = '${request.brokers.join(',')}',
        kafka_topic_list = '${request.topic}', kafka_group_name = '${request.group}',
        kafka_format = 'JSONEachRow', kafka_num_consumers = 1, kafka_flush_interval_ms = 500`,
  })
  await client.command({
    query: `CREATE MATERIALIZED VIEW ${database}.events_queue_mv TO ${database}.events_raw AS
      SELECT event_id, source, type, occurred_at, channel, campaign_id, ad_id, click_id, user_id, action,
        cost_micros, value_micros, currency, received_at,
        _topic AS topic, _partition AS partition, _offset AS offset
      FROM ${database}.events_queue`,
  })
  for (;;) {
    if ((await count(`SELECT count() AS n FROM ${database}.events_raw`)) >= request.events) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const seconds = (performance.now() - started) / 1000
  await client.command({ query: `DROP TABLE ${database}.events_queue_mv` })
  await client.command({ query: `DROP TABLE ${database}.events_queue` })
  const bucketed = await count(
    `SELECT sum(impressions + clicks + conversions + engagements) AS n FROM ${database}.kpi_buckets`,
  )
  await client.command({ query: `DROP DATABASE ${database}` })
  await client.close()
  return { seconds, bucketed }
}

process.once('message', (request: PeerRequest) => {
  run(request).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (err: unknown) => {
      console.error(err)
      process.exit(1)
    },
  )
})
