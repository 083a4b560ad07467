import { Readable } from 'node:stream'
import type { ClickHouseClient } from '@clickhouse/client'
import { RAW_EVENT_COLUMNS } from '../src/raw-event-columns.ts'
import type { RawEventRow } from '../src/raw-event-store.ts'
import { encodeRawEventsTsv } from '../src/raw-event-tsv.ts'

/** The columns migration 16 added to events_raw: a database before it has none of them. */
const ID_COLUMNS: ReadonlySet<string> = new Set(['ad_id', 'click_id', 'user_id'])

/** events_raw's columns as a processor before migration 16 wrote them. */
export const COLUMNS_BEFORE_IDS = RAW_EVENT_COLUMNS.filter((c) => !ID_COLUMNS.has(c))

/**
 * Inserts rows as a processor before migration 16 did: the same TabSeparated
 * encoding without the id columns (escaping leaves no tab inside a field, so a
 * line splits into its fields exactly). Works on a database of any version from 12.
 */
export async function insertRowsBeforeIds(
  client: ClickHouseClient,
  database: string,
  rows: readonly RawEventRow[],
  token: string,
): Promise<void> {
  const kept = RAW_EVENT_COLUMNS.map((c) => !ID_COLUMNS.has(c))
  const text = encodeRawEventsTsv(rows)
    .split('\n')
    .filter((line) => line !== '')
    .map(
      (line) =>
        `${line
          .split('\t')
          .filter((_, i) => kept[i])
          .join('\t')}\n`,
    )
    .join('')
  await client.insert({
    table: `${database}.events_raw`,
    columns: [...COLUMNS_BEFORE_IDS] as [string, ...string[]],
    format: 'TabSeparated',
    values: Readable.from([text], { objectMode: false }),
    clickhouse_settings: {
      insert_deduplication_token: token,
      insert_deduplicate: 1,
      deduplicate_blocks_in_dependent_materialized_views: 1,
    },
  })
}
