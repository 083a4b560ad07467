import { Readable } from 'node:stream'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'

const client = createClient({ connection: createChdbConnection({ path: '/tmp/fence-probe/db3' }) })
const run = async (query) => {
  try {
    await client.command({ query })
    console.log('ok:', query.slice(0, 80))
  } catch (e) {
    console.log('ERR', query.slice(0, 60), e.message.slice(0, 300))
  }
}
await run('CREATE DATABASE IF NOT EXISTS f')
await run('DROP TABLE IF EXISTS f.t')
await run('DROP TABLE IF EXISTS f.o')
await run('DROP TABLE IF EXISTS f.mvt')
await run(
  'CREATE TABLE f.o (topic String, partition UInt32, writer String) ENGINE = Join(ANY, LEFT, topic, partition) SETTINGS join_any_take_last_row = 1',
)
await run(
  'CREATE TABLE f.t (topic String, partition UInt32, b UInt64) ENGINE MergeTree ORDER BY topic SETTINGS non_replicated_deduplication_window=100',
)
await run('CREATE TABLE f.mvt (topic String, n UInt64) ENGINE SummingMergeTree ORDER BY topic')
await run('CREATE MATERIALIZED VIEW f.mv TO f.mvt AS SELECT topic, count() n FROM f.t GROUP BY topic')
await run("ALTER TABLE f.t ADD COLUMN writer LowCardinality(String) DEFAULT ''")
await run(
  "ALTER TABLE f.t ADD CONSTRAINT writer_holds_partition CHECK writer = '' OR writer = joinGet('f.o', 'writer', topic, partition)",
)
await run("INSERT INTO f.o VALUES ('ev', 1, 'x')")
const ins = (token, data) =>
  client.insert({
    table: 'f.t',
    columns: ['topic', 'partition', 'b', 'writer'],
    values: Readable.from([data], { objectMode: false }),
    format: 'TabSeparated',
    clickhouse_settings: {
      insert_deduplication_token: token,
      insert_deduplicate: 1,
      deduplicate_blocks_in_dependent_materialized_views: 1,
    },
  })
const tries = async (list) => {
  for (const [tok, d] of list) {
    try {
      await ins(tok, d)
      console.log('inserted', tok)
    } catch (e) {
      console.log('refused', tok, e.code, e.type, e.message.slice(0, 200))
    }
  }
}
await tries([
  ['t1', 'ev\t1\t1\tx\nev\t1\t2\tx\n'],
  ['t2', 'ev\t1\t3\ty\n'],
  ['t1', 'ev\t1\t1\tx\nev\t1\t2\tx\n'],
  ['t3', 'ev\t2\t9\t\n'],
  ['t5', 'ev\t2\t10\tz\n'],
])
await run("INSERT INTO f.o VALUES ('ev', 1, 'y')")
await tries([
  ['t4', 'ev\t1\t4\tx\n'],
  ['t2', 'ev\t1\t3\ty\n'],
])
console.log(
  await (await client.query({ query: 'SELECT * FROM f.t ORDER BY b', format: 'JSONEachRow' })).json(),
)
console.log(await (await client.query({ query: 'SELECT * FROM f.mvt FINAL', format: 'JSONEachRow' })).json())
console.log(
  await (
    await client.query({ query: 'SELECT query_id, query FROM system.processes', format: 'JSONEachRow' })
  ).json(),
)
await run("KILL QUERY WHERE startsWith(query_id, 'events_raw:nothing') SYNC")
await client.close()
