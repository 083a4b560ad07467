import type { ClickHouseClient, KpiRow } from '@adpulse/clickhouse'

/**
 * The bare SQL of `pnpm bench:query`: for each query the simplest hand-written
 * GROUP BY over kpi_buckets that returns the same answer as the product (one
 * scan, one aggregation, the actions as a sumMap), i.e. the ceiling. Answers
 * come back as KpiRow, so the benchmark compares them with KpiStore's.
 */

/** The sums of a row and its actions, as SELECT items (aliases differ from columns: see rowsQuery). */
const SUMS = `sum(impressions) AS i, sum(clicks) AS c, sum(engagements) AS e, sum(conversions) AS cv,
  sum(spend_micros) AS s, toString(s) AS s_text, toString(sum(revenue_micros)) AS r_text,
  sum(attributed_conversions) AS ac, toString(sum(attributed_revenue_micros)) AS ar_text,
  (sumMapIf([action], [conversions], [engagements], [revenue_micros], action != '') AS acts).1 AS act_keys,
  acts.2 AS act_cv, acts.3 AS act_e, arrayMap(x -> toString(x), acts.4) AS act_r`

const RANGE = "minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC')"

type Row = Record<string, unknown>

async function select(client: ClickHouseClient, query: string, params: Row): Promise<Row[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' })
  return result.json<Row>()
}

/** sumMap's keys, conversions, engagements and revenue (as strings) as KpiRow actions. */
function actionsOf(row: Row): KpiRow['actions'] {
  const [keys, conversions, engagements, revenue] = [
    row.act_keys,
    row.act_cv,
    row.act_e,
    row.act_r,
  ] as unknown[][]
  return (keys ?? []).map((action, i) => ({
    action: String(action),
    conversions: Number(conversions?.[i]),
    engagements: Number(engagements?.[i]),
    revenue_micros: BigInt(String(revenue?.[i])),
  }))
}

/** A bare query's sums (aliases i, c, e, cv, s_text, r_text, ac, ar_text) as a KpiRow's. */
function sumsOf(row: Row) {
  return {
    impressions: Number(row.i),
    clicks: Number(row.c),
    engagements: Number(row.e),
    conversions: Number(row.cv),
    spend_micros: BigInt(String(row.s_text)),
    revenue_micros: BigInt(String(row.r_text)),
    attributed_conversions: Number(row.ac),
    attributed_revenue_micros: BigInt(String(row.ar_text)),
  }
}

function kpiRowOf(row: Row, keys: readonly string[]): KpiRow {
  const out: KpiRow = { ...sumsOf(row), actions: actionsOf(row) }
  if (row.bucket_start !== undefined) out.bucket_start = Number(row.bucket_start) * 1000
  for (const key of keys) (out as unknown as Row)[key] = String(row[key])
  return out
}

export interface Range {
  from: number
  to: number
}

const rangeParams = (range: Range) => ({ from: range.from / 1000, to: range.to / 1000 })

/**
 * (a), (e): campaigns by spend, highest first, over a range, in two steps as
 * the product (KpiStore.rows ranking the keys first): the page's campaigns
 * ranked on spend alone (grouped in the table's order), then their sums and
 * actions: the ceiling of the same tables.
 */
export async function bareTopCampaigns(
  client: ClickHouseClient,
  db: string,
  range: Range,
  limit: number,
  offset: number,
): Promise<KpiRow[]> {
  const page = await select(
    client,
    `SELECT channel, campaign_id FROM ${db}.kpi_buckets WHERE ${RANGE}
    GROUP BY channel, campaign_id ORDER BY sum(spend_micros) DESC, channel, campaign_id
    LIMIT {limit:UInt64} OFFSET {offset:UInt64} SETTINGS optimize_aggregation_in_order = 1`,
    { ...rangeParams(range), limit, offset },
  )
  if (page.length === 0) return []
  const keys: Row = {}
  const tuples = page.map((row, i) => {
    keys[`ch${i}`] = row.channel
    keys[`cm${i}`] = row.campaign_id
    return `({ch${i}:String}, {cm${i}:String})`
  })
  const rows = await select(
    client,
    `SELECT channel, campaign_id, ${SUMS} FROM ${db}.kpi_buckets
    WHERE ${RANGE} AND (channel, campaign_id) IN (${tuples.join(', ')})
    GROUP BY channel, campaign_id ORDER BY s DESC, channel, campaign_id`,
    { ...rangeParams(range), ...keys },
  )
  return rows.map((row) => kpiRowOf(row, ['channel', 'campaign_id']))
}

/** (a), (e) in one step, every campaign summed with its actions before sorting: the ceiling before, for reference. */
export async function bareTopCampaignsOneStep(
  client: ClickHouseClient,
  db: string,
  range: Range,
  limit: number,
  offset: number,
): Promise<KpiRow[]> {
  const rows = await select(
    client,
    `SELECT channel, campaign_id, ${SUMS} FROM ${db}.kpi_buckets WHERE ${RANGE}
    GROUP BY channel, campaign_id ORDER BY s DESC, channel, campaign_id
    LIMIT {limit:UInt64} OFFSET {offset:UInt64}`,
    { ...rangeParams(range), limit, offset },
  )
  return rows.map((row) => kpiRowOf(row, ['channel', 'campaign_id']))
}

/** (b): one campaign's ads by day in a time zone. */
export async function bareCampaignAdsByDay(
  client: ClickHouseClient,
  db: string,
  range: Range,
  campaignId: string,
  timeZone: string,
): Promise<KpiRow[]> {
  const rows = await select(
    client,
    `SELECT toUnixTimestamp(toStartOfDay(minute, {tz:String})) AS bucket_start, channel, campaign_id, ad_id,
      ${SUMS} FROM ${db}.kpi_buckets WHERE campaign_id = {campaign:String} AND ${RANGE}
    GROUP BY bucket_start, channel, campaign_id, ad_id ORDER BY bucket_start, channel, campaign_id, ad_id`,
    { ...rangeParams(range), campaign: campaignId, tz: timeZone },
  )
  return rows.map((row) => kpiRowOf(row, ['channel', 'campaign_id', 'ad_id']))
}

/**
 * (c): a channel's outcomes per action, each row with the channel's
 * impressions, clicks and spend (what a by=action row carries).
 */
export async function bareActionsOfChannel(
  client: ClickHouseClient,
  db: string,
  range: Range,
  channel: string,
): Promise<KpiRow[]> {
  const rows = await select(
    client,
    `SELECT * FROM (
      SELECT action, sum(conversions) AS cv, sum(engagements) AS e, toString(sum(revenue_micros)) AS r_text,
        sum(attributed_conversions) AS ac, toString(sum(attributed_revenue_micros)) AS ar_text,
        sum(sum(impressions)) OVER () AS i, sum(sum(clicks)) OVER () AS c,
        toString(sum(sum(spend_micros)) OVER ()) AS s_text
      FROM ${db}.kpi_buckets WHERE channel = {channel:String} AND ${RANGE} GROUP BY action
    ) WHERE action != '' ORDER BY action`,
    { ...rangeParams(range), channel },
  )
  return rows.map((row) => ({
    action: String(row.action),
    ...sumsOf(row),
    actions: [
      {
        action: String(row.action),
        conversions: Number(row.cv),
        engagements: Number(row.e),
        revenue_micros: BigInt(String(row.r_text)),
      },
    ],
  }))
}

export interface BareCampaign {
  channel: string
  campaign_id: string
  ads: string[]
  first_event_at: number
  last_event_at: number
}

/** (d): the campaigns after a (channel, campaign_id), in that order, with their ads and event times. */
export async function bareCampaignsAfter(
  client: ClickHouseClient,
  db: string,
  after: { channel: string; campaign_id: string },
  limit: number,
): Promise<BareCampaign[]> {
  const rows = await select(
    client,
    `SELECT channel, campaign_id, arraySort(groupUniqArrayIf(ad_id, ad_id != '')) AS ads,
      toUnixTimestamp64Milli(min(first_event_at)) AS first_ms, toUnixTimestamp64Milli(max(last_event_at)) AS last_ms
    FROM ${db}.kpi_buckets WHERE (channel, campaign_id) > ({channel:String}, {campaign:String})
    GROUP BY channel, campaign_id ORDER BY channel, campaign_id LIMIT {limit:UInt64}`,
    { channel: after.channel, campaign: after.campaign_id, limit },
  )
  return rows.map((row) => ({
    channel: String(row.channel),
    campaign_id: String(row.campaign_id),
    ads: (row.ads as unknown[]).map(String),
    first_event_at: Number(row.first_ms),
    last_event_at: Number(row.last_ms),
  }))
}
