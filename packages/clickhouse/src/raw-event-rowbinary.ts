import {
  carriesAttribution,
  originalCostOf,
  originalCurrencyOf,
  originalValueOf,
  reportedAdOf,
  reportedCampaignOf,
  reportedChannelOf,
} from './raw-event-columns.ts'
import type { RawEventRow } from './raw-event-store.ts'
import { RowBinaryWriter } from './row-binary.ts'

/** Bytes a row usually takes (ids of a few dozen characters); the buffer grows when they are longer. */
const BYTES_PER_ROW = 192

/**
 * events_raw rows as ClickHouse `RowBinary`, for embedded chDB's file insert
 * (chdb-file-insert.ts): the columns of rawEventColumns in their order, each
 * in its column's type. chDB parses it with a fraction of the CPU that text
 * takes, and no line of text is built per row (docs/benchmarks.md,
 * Processor). Every field means what it means in raw-event-tsv.ts, which a
 * server's HTTP insert sends; raw-event-store.integration.test.ts inserts
 * the same rows both ways and compares the tables.
 *
 * Written into `scratch` when it is large enough (the buffer of the insert
 * before), else into a larger one: `values` are the bytes, `scratch` the
 * whole buffer they are in.
 */
export function encodeRawEventsRowBinary(
  rows: readonly RawEventRow[],
  writer?: string,
  scratch?: Buffer,
): { values: Buffer; scratch: Buffer } {
  const out = new RowBinaryWriter(scratch, Math.max(1024, rows.length * BYTES_PER_ROW))
  const attributed = carriesAttribution(rows)
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as RawEventRow
    out.string(r.event_id)
    out.string(r.source)
    out.string(r.type)
    out.int64(r.occurred_at)
    out.string(r.channel)
    out.string(r.campaign_id)
    out.nullableString(r.ad_id)
    out.nullableString(r.click_id)
    out.nullableString(r.user_id)
    out.string(r.action)
    out.int128(r.cost_micros)
    out.int128(r.value_micros)
    out.string(r.currency)
    out.string(originalCurrencyOf(r))
    out.nullableInt128(originalCostOf(r))
    out.int128(originalValueOf(r))
    out.int64(r.received_at)
    out.string(r.topic)
    out.uint32(r.partition)
    out.uint64Text(r.offset)
    if (attributed) {
      out.string(reportedChannelOf(r))
      out.string(reportedCampaignOf(r))
      out.nullableString(reportedAdOf(r))
      // Omitted: no attribution.
      out.string(r.attribution ?? '')
      out.uint64(r.resolution ?? 0)
    }
    if (writer !== undefined) out.string(writer)
  }
  return out.finish()
}
