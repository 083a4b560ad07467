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

/** The columns an insert of these rows names, in the order both encoders write them. */
export function rawEventColumns(rows: readonly RawEventRow[], writer?: string): string[] {
  return [
    ...RAW_EVENT_COLUMNS,
    ...(carriesAttribution(rows) ? ATTRIBUTION_COLUMNS : []),
    ...(writer === undefined ? [] : ['writer']),
  ]
}

/*
 * What a row's omitted fields stand for, one home for both encoders (each the
 * column's DEFAULT in events_raw): omitted originals, the event was sent in the
 * reporting currency; omitted reported keys, it is credited to what it reported.
 */

export const originalCurrencyOf = (r: RawEventRow): string => r.original_currency ?? r.currency

/** null: the pricing model priced the event (NULL). */
export const originalCostOf = (r: RawEventRow): bigint | null =>
  r.original_cost_micros === undefined ? r.cost_micros : r.original_cost_micros

export const originalValueOf = (r: RawEventRow): bigint => r.original_value_micros ?? r.value_micros

export const reportedChannelOf = (r: RawEventRow): string => r.reported_channel ?? r.channel

export const reportedCampaignOf = (r: RawEventRow): string => r.reported_campaign_id ?? r.campaign_id

export const reportedAdOf = (r: RawEventRow): string | null | undefined =>
  r.reported_ad_id === undefined ? r.ad_id : r.reported_ad_id
