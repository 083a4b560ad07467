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

/**
 * events_raw rows as ClickHouse `TabSeparated`, for a ClickHouse server's HTTP
 * insert (embedded chDB reads RowBinary from a file: raw-event-rowbinary.ts):
 * one line per row, the columns of rawEventColumns in their order, `\t`
 * between them. The cheapest text format @clickhouse/client's insert takes: no
 * keys, no quotes, and ClickHouse parses it about twice as fast as JSONEachRow
 * (docs/benchmarks.md).
 */

/**
 * The rows as one TabSeparated text, in the order of RAW_EVENT_COLUMNS (then
 * ATTRIBUTION_COLUMNS when any row carries attribution); with a `writer`, that
 * column last on every row (partition-fence.ts): rawEventColumns names them.
 */
export function encodeRawEventsTsv(rows: readonly RawEventRow[], writer?: string): string {
  return encodeRawEventsTsvBuffer(rows, writer).toString('utf8')
}

/** Bytes a row usually takes (ids of a few dozen characters); the buffer grows when they are longer. */
const BYTES_PER_ROW = 256

/**
 * encodeRawEventsTsv as the UTF-8 bytes an insert sends, in one pass: each
 * line is written into one Buffer as it is made, with no array of lines, no
 * joined text of the whole slice, and the bytes off the JS heap. A Buffer of
 * its own per insert: an HTTP attempt a timeout abandoned may still read it.
 */
export function encodeRawEventsTsvBuffer(rows: readonly RawEventRow[], writer?: string): Buffer {
  const end = writer === undefined ? '\n' : `\t${tsvString(writer)}\n`
  const attributed = carriesAttribution(rows)
  let buffer = Buffer.allocUnsafeSlow(Math.max(1024, rows.length * BYTES_PER_ROW))
  let length = 0
  for (let i = 0; i < rows.length; i++) {
    const line = tsvLine(rows[i] as RawEventRow, attributed, end)
    // A UTF-16 unit is at most 3 UTF-8 bytes.
    if (length + line.length * 3 > buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(buffer.length * 2, length + line.length * 3))
      buffer.copy(grown, 0, 0, length)
      buffer = grown
    }
    length += buffer.write(line, length, 'utf8')
  }
  return buffer.subarray(0, length)
}

function tsvLine(r: RawEventRow, attributed: boolean, end: string): string {
  return (
    `${tsvString(r.event_id)}\t${tsvString(r.source)}\t${r.type}\t${dateTimeText(r.occurred_at)}\t` +
    `${tsvString(r.channel)}\t${tsvString(r.campaign_id)}\t` +
    `${tsvNullable(r.ad_id)}\t${tsvNullable(r.click_id)}\t${tsvNullable(r.user_id)}\t${tsvString(r.action)}\t` +
    `${r.cost_micros}\t${r.value_micros}\t${tsvString(r.currency)}\t` +
    `${tsvString(originalCurrencyOf(r))}\t${originalCostOf(r) ?? '\\N'}\t` +
    `${originalValueOf(r)}\t${dateTimeText(r.received_at)}\t` +
    `${tsvString(r.topic)}\t${r.partition}\t${r.offset}${attributed ? attributionFields(r) : ''}${end}`
  )
}

/** A row's ATTRIBUTION_COLUMNS, each after a tab (omitted attribution: none). */
function attributionFields(r: RawEventRow): string {
  return (
    `\t${tsvString(reportedChannelOf(r))}\t${tsvString(reportedCampaignOf(r))}` +
    `\t${tsvNullable(reportedAdOf(r))}\t${r.attribution ?? ''}\t${r.resolution ?? 0}`
  )
}

const SPECIAL = /[\\\t\n\r\0]/
const SPECIALS = /[\\\t\n\r\0]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' }

/** TabSeparated escaping of a String: backslash, tab, line breaks and NUL become escape sequences. */
export function tsvString(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c] as string) : value
}

/** A Nullable(String): `\N` for null or omitted, else the escaped string (a text `\N` stays text: its backslash is escaped). */
export function tsvNullable(value: string | null | undefined): string {
  return value === null || value === undefined ? '\\N' : tsvString(value)
}

/** Formatted seconds, reused: a batch's receipt times share a few seconds, its event times a few thousand. */
const secondsText = new Map<number, string>()

/**
 * Epoch ms as the text a DateTime64(3) column reads in every
 * date_time_input_format (`2026-11-22 10:00:00.123`, UTC). A bare number would
 * be cheaper but is ambiguous to ClickHouse below ten digits of seconds.
 */
export function dateTimeText(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  let prefix = secondsText.get(seconds)
  if (prefix === undefined) {
    if (secondsText.size >= 16_384) secondsText.clear()
    prefix = new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')
    secondsText.set(seconds, prefix)
  }
  const millis = ms - seconds * 1000
  return `${prefix}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}`
}
