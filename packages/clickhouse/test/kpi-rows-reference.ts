import { DIMENSION_FIELDS, divideMicros, type SortableKpi } from '@adpulse/kpi'
import { mulberry32 } from '@adpulse/testkit'
import type { CampaignRow, KpiRequest, KpiRow } from '../src/kpi-request.ts'
import type { RawEventRow } from '../src/raw-event-store.ts'

/**
 * The test's own answer to a KpiRequest, summed in TypeScript from the raw
 * events written, independently of kpi_buckets and the SQL: what KpiStore.rows
 * must answer (every page of it, concatenated). Bucketing: UTC days only.
 */

const DAY_MS = 86_400_000

/** `engagement` is an event type of its own (issue 11): events_raw takes it as it is (LowCardinality). */
export type TestEvent = Omit<RawEventRow, 'type'> & { type: RawEventRow['type'] | 'engagement' }
export const asRawRows = (events: readonly TestEvent[]): RawEventRow[] => events as RawEventRow[]

const CONVERSION_ACTIONS = ['lead', 'purchase', 'signup']
const ENGAGEMENT_ACTIONS = ['like', 'share', 'video_view']

/** `count` events from a seed, over `days` UTC days from `day`: channels, campaigns, ads (or none), sources, every type. */
export function seededEvents(
  seed: number,
  count: number,
  day: number,
  days: number,
  firstOffset = 0,
): TestEvent[] {
  const draw = mulberry32(seed)
  const pick = <T>(values: readonly T[]): T => values[Math.floor(draw() * values.length)] as T
  return Array.from({ length: count }, (_, i) => {
    const roll = draw()
    const type =
      roll < 0.45 ? 'impression' : roll < 0.65 ? 'click' : roll < 0.82 ? 'conversion' : 'engagement'
    const channel = pick(['search', 'social', 'display'])
    const offset = firstOffset + i
    return {
      event_id: `e${seed}-${offset}`,
      source: pick(['web', 'app']),
      type,
      occurred_at: day + Math.floor(draw() * days * DAY_MS),
      channel,
      campaign_id: `${channel.slice(0, 2)}-c${Math.floor(draw() * 3)}`,
      ad_id: pick([null, 'a0', 'a1', 'a2']),
      action:
        type === 'conversion'
          ? pick(CONVERSION_ACTIONS)
          : type === 'engagement'
            ? pick(ENGAGEMENT_ACTIONS)
            : '',
      // Some events free: zero spend makes the ratios over spend NULL for some rows.
      cost_micros: draw() < 0.2 ? 0n : BigInt(Math.floor(draw() * 5_000)),
      value_micros: type === 'conversion' ? BigInt(Math.floor(draw() * 90_000_000)) : 0n,
      currency: 'USD',
      received_at: Date.now(),
      topic: 't',
      partition: offset % 2,
      offset: String(offset),
    }
  })
}

interface Group {
  keys: Record<string, string>
  bucket_start?: number
  impressions: number
  clicks: number
  spend: bigint
  /** Per action ('' included): conversions, engagements, revenue. */
  outcomes: Map<string, { conversions: number; engagements: number; revenue: bigint }>
}

/** Every row of a request, in its order (no limit, no offset). */
export function referenceRows(events: readonly TestEvent[], request: KpiRequest): KpiRow[] {
  const fields = request.by.map((d) => DIMENSION_FIELDS[d])
  const others = fields.filter((f) => f !== 'action')
  const { action: actionFilter, ...filters } = request.filters
  const groups = new Map<string, Group>()
  for (const e of events) {
    if (e.occurred_at < request.range.from || e.occurred_at >= request.range.to) continue
    const fieldOf = (field: string): string =>
      field === 'ad_id' ? (e.ad_id ?? '') : String(e[field as keyof TestEvent])
    if (Object.entries(filters).some(([field, value]) => value !== undefined && fieldOf(field) !== value))
      continue
    const keys = Object.fromEntries(others.map((f) => [f, fieldOf(f)]))
    const start = request.bucketing ? Math.floor(e.occurred_at / DAY_MS) * DAY_MS : undefined
    const id = JSON.stringify([start, keys])
    const group = groups.get(id) ?? {
      keys,
      ...(start === undefined ? {} : { bucket_start: start }),
      impressions: 0,
      clicks: 0,
      spend: 0n,
      outcomes: new Map(),
    }
    groups.set(id, group)
    if (e.type === 'impression') group.impressions++
    if (e.type === 'click') group.clicks++
    group.spend += e.cost_micros
    const outcome = group.outcomes.get(e.action) ?? { conversions: 0, engagements: 0, revenue: 0n }
    group.outcomes.set(e.action, outcome)
    if (e.type === 'conversion') outcome.conversions++
    if (e.type === 'engagement') outcome.engagements++
    outcome.revenue += e.value_micros
  }
  const rows: KpiRow[] = []
  for (const g of groups.values()) {
    const picked = [...g.outcomes].filter(([a]) => actionFilter === undefined || a === actionFilter)
    const actions = picked
      .filter(([a]) => a !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([action, o]) => ({
        action,
        conversions: o.conversions,
        engagements: o.engagements,
        revenue_micros: o.revenue,
      }))
    const base = {
      ...(g.bucket_start === undefined ? {} : { bucket_start: g.bucket_start }),
      ...g.keys,
      impressions: g.impressions,
      clicks: g.clicks,
      spend_micros: g.spend,
      // The events of these tests carry no click credit (attribution: attribution-repair.integration.test.ts).
      attributed_conversions: 0,
      attributed_revenue_micros: 0n,
    }
    const total = (rows: typeof picked, k: 'conversions' | 'engagements') =>
      rows.reduce((n, [, o]) => n + o[k], 0)
    if (fields.includes('action') && actionFilter === undefined) {
      for (const a of actions) {
        rows.push({ ...base, action: a.action, ...outcomesOf(a), actions: [a] })
      }
    } else {
      rows.push({
        ...base,
        ...(fields.includes('action') ? { action: actionFilter } : {}),
        conversions: total(picked, 'conversions'),
        engagements: total(picked, 'engagements'),
        revenue_micros: picked.reduce((n, [, o]) => n + o.revenue, 0n),
        actions,
      })
    }
  }
  return sortRows(rows, fields, request.sort)
}

const outcomesOf = (a: { conversions: number; engagements: number; revenue_micros: bigint }) => ({
  conversions: a.conversions,
  engagements: a.engagements,
  revenue_micros: a.revenue_micros,
})

/** A KPI of a row as deriveKpis reports it (integer micros, or a double), null on a zero denominator. */
export function kpiOf(row: KpiRow, kpi: SortableKpi): bigint | number | null {
  const ratio = (n: bigint | number, d: bigint | number) =>
    d === 0 || d === 0n ? null : Number(n) / Number(d)
  const micros = (n: bigint, d: number | bigint) => {
    const value = divideMicros(n, BigInt(d))
    return value === null ? null : BigInt(value)
  }
  const { impressions, clicks, engagements, conversions, spend_micros: spend, revenue_micros: revenue } = row
  const kpis: Record<SortableKpi, bigint | number | null> = {
    impressions,
    clicks,
    engagements,
    conversions,
    spend_micros: spend,
    revenue_micros: revenue,
    ctr: ratio(clicks, impressions),
    cvr: ratio(conversions, clicks),
    engagement_rate: ratio(engagements, impressions),
    cpc_micros: micros(spend, clicks),
    cpm_micros: micros(spend * 1000n, impressions),
    cpa_micros: micros(spend, conversions),
    cpe_micros: micros(spend, engagements),
    roas: ratio(revenue, spend),
    roi: ratio(revenue - spend, spend),
  }
  return kpis[kpi]
}

function sortRows(rows: KpiRow[], fields: readonly string[], sort: KpiRequest['sort']): KpiRow[] {
  const byKeys = (a: KpiRow, b: KpiRow): number => {
    if ((a.bucket_start ?? 0) !== (b.bucket_start ?? 0)) return (a.bucket_start ?? 0) - (b.bucket_start ?? 0)
    for (const f of fields) {
      const x = String(a[f as keyof KpiRow])
      const y = String(b[f as keyof KpiRow])
      if (x !== y) return x < y ? -1 : 1
    }
    return 0
  }
  return rows.sort((a, b) => {
    if (sort === undefined) return byKeys(a, b)
    const x = kpiOf(a, sort.kpi)
    const y = kpiOf(b, sort.kpi)
    if (x === null || y === null) return x === y ? byKeys(a, b) : x === null ? 1 : -1
    if (x !== y) return (x < y ? -1 : 1) * (sort.order === 'asc' ? 1 : -1)
    return byKeys(a, b)
  })
}

/** GET /v1/campaigns' answer for the events, every page. */
export function referenceCampaigns(events: readonly TestEvent[], channel?: string): CampaignRow[] {
  const campaigns = new Map<string, CampaignRow>()
  for (const e of events) {
    if (channel !== undefined && e.channel !== channel) continue
    const id = `${e.channel}\u0000${e.campaign_id}`
    const row = campaigns.get(id) ?? {
      channel: e.channel,
      campaign_id: e.campaign_id,
      ads: [],
      first_event_at: e.occurred_at,
      last_event_at: e.occurred_at,
    }
    campaigns.set(id, row)
    if (e.ad_id && !row.ads.includes(e.ad_id)) row.ads.push(e.ad_id)
    row.first_event_at = Math.min(row.first_event_at, e.occurred_at)
    row.last_event_at = Math.max(row.last_event_at, e.occurred_at)
  }
  return [...campaigns.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, row]) => ({ ...row, ads: row.ads.sort() }))
}
