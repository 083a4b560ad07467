import type { CampaignRow, ClickHouseClient, KpiRequest, KpiRow, KpiStore } from '@adpulse/clickhouse'
import type { createHttpServer } from '@adpulse/http'
import {
  bareActionsOfChannel,
  bareCampaignAdsByDay,
  bareCampaignsAfter,
  bareTopCampaigns,
  bareTopCampaignsOneStep,
  type Range,
} from './query-bare.ts'

/**
 * The typical queries of `pnpm bench:query`, each three ways: through the
 * product (KpiStore.rows / campaigns: what GET /v1/kpis and /v1/campaigns run
 * after parsing), as bare SQL (the ceiling), and, where a first page is asked,
 * through the HTTP route (fastify inject: parsing and JSON encoding included).
 * Each way answers a comparable value, which must be equal between the ways.
 */
export interface QueryCase {
  name: string
  product: () => Promise<unknown>
  bare: () => Promise<unknown>
  /** The answer through GET /v1/… (only its row keys and spend: the JSON carries derived KPIs too). */
  http?: () => Promise<unknown>
  /** A bare query of the same answer kept for reference (in one step: the ceiling before ranking first). */
  reference?: () => Promise<unknown>
  /** The product's answer reduced as http's is, for comparing with it. */
  productAsHttp?: (answer: unknown) => unknown
}

export interface CaseInputs {
  client: ClickHouseClient
  database: string
  store: KpiStore
  app: FastifyInstance
  /** The end of the data, a whole minute, epoch ms: "now" of the rolling windows. */
  end: number
  /** The hottest campaign, whose ads are asked by day. */
  hotCampaign: { channel: string; campaign_id: string }
  /** The campaign the deep page of /v1/campaigns starts after, and that page's number. */
  deepAfter: { channel: string; campaign_id: string }
  deepPage: number
  /** The offset of the later page of the top campaigns. */
  topOffset: number
}

type FastifyInstance = ReturnType<typeof createHttpServer>

const DAY = 86_400_000
const TEHRAN = 'Asia/Tehran'

/** A KpiRow as plain JSON: money as strings, so answers compare with toEqual or JSON. */
export const plainRow = (row: KpiRow) =>
  JSON.parse(JSON.stringify(row, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)))

const keyAndSpend = (row: Record<string, unknown>) =>
  [row.bucket_start, row.channel, row.campaign_id, row.ad_id, row.action, String(row.spend_micros)].join('|')

/** The read key the bench's HTTP server accepts. */
export const BENCH_READ_KEY = 'bench-read-key'

async function inject(app: FastifyInstance, url: string): Promise<unknown> {
  const response = await app.inject({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${BENCH_READ_KEY}` },
  })
  if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`)
  const body = response.json() as { rows: Record<string, unknown>[] }
  // The JSON row's bucket_start is an ISO time; the store's, epoch ms.
  return body.rows.map((row) =>
    keyAndSpend({ ...row, bucket_start: row.bucket_start && Date.parse(String(row.bucket_start)) }),
  )
}

const kpiCase = (
  name: string,
  inputs: CaseInputs,
  request: KpiRequest,
  bare: () => Promise<KpiRow[]>,
  url?: string,
  reference?: () => Promise<KpiRow[]>,
): QueryCase => ({
  name,
  ...(reference === undefined ? {} : { reference: async () => (await reference()).map(plainRow) }),
  product: async () => (await inputs.store.rows(request)).rows.map(plainRow),
  bare: async () => (await bare()).map(plainRow),
  ...(url === undefined
    ? {}
    : {
        http: () => inject(inputs.app, url),
        productAsHttp: (answer) => (answer as Record<string, unknown>[]).map(keyAndSpend),
      }),
})

export function queryCases(inputs: CaseInputs): QueryCase[] {
  const { client, database: db, end, hotCampaign, deepAfter, topOffset } = inputs
  const day: Range = { from: end - DAY, to: end }
  const week: Range = { from: end - 7 * DAY, to: end }
  const top = (offset: number): KpiRequest => ({
    range: day,
    by: ['channel', 'campaign'],
    filters: {},
    sort: { kpi: 'spend_micros', order: 'desc' },
    limit: 50,
    offset,
  })
  return [
    kpiCase(
      '(a) top 50 campaigns by spend, 24h',
      inputs,
      top(0),
      () => bareTopCampaigns(client, db, day, 50, 0),
      '/v1/kpis?window=24h&by=campaign&sort=spend_micros&order=desc&limit=50',
      () => bareTopCampaignsOneStep(client, db, day, 50, 0),
    ),
    kpiCase(
      "(b) one campaign's ads by day in Asia/Tehran, 7d",
      inputs,
      {
        range: week,
        by: ['channel', 'campaign', 'ad'],
        filters: { campaign_id: hotCampaign.campaign_id },
        bucketing: { unit: 'day', timeZone: TEHRAN },
        limit: 100,
        offset: 0,
      },
      () => bareCampaignAdsByDay(client, db, week, hotCampaign.campaign_id, TEHRAN),
      `/v1/kpis?window=7d&by=ad&campaign_id=${hotCampaign.campaign_id}&bucket=day&tz=${TEHRAN}`,
    ),
    kpiCase(
      '(c) actions of the social channel, 24h',
      inputs,
      { range: day, by: ['action'], filters: { channel: 'social' }, limit: 100, offset: 0 },
      () => bareActionsOfChannel(client, db, day, 'social'),
      '/v1/kpis?window=24h&by=action&channel=social',
    ),
    {
      name: `(d) /v1/campaigns page ${inputs.deepPage} of 100`,
      product: async () =>
        (await inputs.store.campaigns({ limit: 100, after: deepAfter })).rows.map((r: CampaignRow) => ({
          ...r,
        })),
      bare: () => bareCampaignsAfter(client, db, deepAfter, 100),
    },
    kpiCase(
      `(e) top campaigns by spend, 24h, rows ${topOffset + 1}-${topOffset + 50} (offset)`,
      inputs,
      top(topOffset),
      () => bareTopCampaigns(client, db, day, 50, topOffset),
      undefined,
      () => bareTopCampaignsOneStep(client, db, day, 50, topOffset),
    ),
  ]
}
