import type { RawEventRow } from './raw-event-store.ts'

/**
 * The columns of an events_raw insert, in the order the encoders write them
 * (raw-event-rowbinary.ts for embedded chDB's file insert, raw-event-tsv.ts
 * for a server's HTTP insert). A new column of events_raw is one more entry
 * here, with the field of RawEventRow it comes from, and one more field in
 * each encoder.
 */
export const RAW_EVENT_COLUMNS = [
  'event_id',
  'source',
  'type',
  'occurred_at',
  'channel',
  'campaign_id',
  'ad_id',
  'click_id',
  'user_id',
  'action',
  'cost_micros',
  'value_micros',
  'currency',
  'original_currency',
  'original_cost_micros',
  'original_value_micros',
  'received_at',
  'topic',
  'partition',
  'offset',
] as const satisfies ReadonlyArray<keyof RawEventRow>

/**
 * The columns of attribution (docs/attribution.md), after RAW_EVENT_COLUMNS on
 * the rows of an insert that carries any: their DEFAULTs (what the event
 * reported is what it is credited to, no attribution) fit every other row, and
 * an insert without them still fits a database from before them.
 */
export const ATTRIBUTION_COLUMNS = [
  'reported_channel',
  'reported_campaign_id',
  'reported_ad_id',
  'attribution',
  'resolution',
] as const satisfies ReadonlyArray<keyof RawEventRow>

/** Whether an insert of these rows writes ATTRIBUTION_COLUMNS. */
export function carriesAttribution(rows: readonly RawEventRow[]): boolean {
  return rows.some((r) => r.attribution !== undefined && r.attribution !== '')
}

/** The columns an insert of these rows names, in the order encodeRawEventsTsv writes them. */
export function rawEventColumns(rows: readonly RawEventRow[], writer?: string): string[] {
  return [
    ...RAW_EVENT_COLUMNS,
    ...(carriesAttribution(rows) ? ATTRIBUTION_COLUMNS : []),
    ...(writer === undefined ? [] : ['writer']),
  ]
}
