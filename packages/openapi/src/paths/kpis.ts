import { DIMENSION_FIELDS, DIMENSIONS, SORTABLE_KPIS } from '@adpulse/kpi'
import type { JsonSchema, Operation, Parameter } from '../openapi-types.ts'
import {
  ANSWERED_RANGE,
  badRequest,
  CURSOR,
  jsonResponse,
  LIMIT,
  listOf,
  queryParameter,
  RANGE_TIME,
  READ_SECURITY,
  READ_UNAUTHORIZED,
  ref,
  SERVER_ERROR,
  WINDOW_NAMES,
} from '../schema-kit.ts'

const KEY: JsonSchema = { type: ['string', 'null'] }

/** The keys of a row: only those of `by` (with their enclosing dimensions) are present. */
const ROW_KEYS = Object.fromEntries(DIMENSIONS.map((d) => [DIMENSION_FIELDS[d], KEY]))

export const KPI_SCHEMAS: Record<string, JsonSchema> = {
  ActionKpis: {
    type: 'object',
    description:
      "One action's outcomes within a row, and the row's spend over its conversions and engagements.",
    required: ['conversions', 'revenue_micros', 'cpa_micros', 'engagements', 'cpe_micros'],
    additionalProperties: false,
    properties: {
      conversions: { type: 'integer', minimum: 0 },
      revenue_micros: ref('Micros'),
      cpa_micros: ref('NullableMicros'),
      engagements: { type: 'integer', minimum: 0 },
      cpe_micros: ref('NullableMicros'),
    },
  },
  KpiRow: {
    type: 'object',
    description:
      'Sums and derived KPIs of one key (and one hour or day with `bucket`). Derived KPIs are null on a zero denominator; ' +
      'money per unit is integer micros rounded half up.',
    required: [
      'impressions',
      'clicks',
      'engagements',
      'conversions',
      'spend_micros',
      'revenue_micros',
      'attributed_conversions',
      'attributed_revenue_micros',
      ...SORTABLE_KPIS.slice(6),
      'actions',
    ],
    additionalProperties: false,
    properties: {
      bucket_start: { ...ref('Instant'), description: 'With `bucket`: the start of its hour or day.' },
      ...ROW_KEYS,
      impressions: { type: 'integer', minimum: 0 },
      clicks: { type: 'integer', minimum: 0 },
      engagements: { type: 'integer', minimum: 0 },
      conversions: { type: 'integer', minimum: 0 },
      spend_micros: ref('Micros'),
      revenue_micros: ref('Micros'),
      attributed_conversions: {
        type: 'integer',
        minimum: 0,
        description:
          'Of the conversions, those credited to this row by their click_id (docs/attribution.md).',
      },
      attributed_revenue_micros: {
        ...ref('Micros'),
        description: 'The revenue of the attributed conversions.',
      },
      ctr: { ...ref('Ratio'), description: 'clicks / impressions' },
      cvr: { ...ref('Ratio'), description: 'conversions / clicks' },
      cpc_micros: { ...ref('NullableMicros'), description: 'spend / clicks' },
      cpm_micros: { ...ref('NullableMicros'), description: 'spend × 1000 / impressions' },
      cpa_micros: { ...ref('NullableMicros'), description: 'spend / conversions' },
      roas: { ...ref('Ratio'), description: 'revenue / spend' },
      roi: { ...ref('Ratio'), description: '(revenue − spend) / spend' },
      engagement_rate: { ...ref('Ratio'), description: 'engagements / impressions' },
      cpe_micros: { ...ref('NullableMicros'), description: 'spend / engagements' },
      actions: {
        type: 'object',
        description: 'Per action (`purchase`, `lead`, `like`): its outcomes within the row.',
        additionalProperties: ref('ActionKpis'),
      },
    },
  },
  KpiPage: {
    type: 'object',
    required: ['window', 'from', 'to', 'rows', 'next_cursor'],
    additionalProperties: false,
    properties: {
      ...ANSWERED_RANGE,
      bucket: { type: 'string', enum: ['hour', 'day'], description: 'Only with `bucket`.' },
      tz: { type: 'string', description: 'Only with `bucket`.' },
      rows: listOf('KpiRow'),
      next_cursor: ref('NextCursor'),
    },
  },
}

const FILTER_DESCRIPTIONS: Record<string, string> = {
  channel: 'Only rows of this channel (a lowercase slug, as in events).',
  campaign_id:
    'Only rows of this campaign: 1 to ADPULSE_INGEST_MAX_ID_LENGTH characters, no control characters.',
  ad_id: 'Only rows of this ad: 1 to ADPULSE_INGEST_MAX_ID_LENGTH characters, no control characters.',
  action:
    "Only this action's outcomes (conversions, engagements, revenue); impressions, clicks and spend stay those of the row's other keys.",
  source: 'Only events sent with this source (the name of an ingest key).',
}
const FILTER_EXAMPLES: Record<string, string> = {
  channel: 'search',
  campaign_id: 'spring-sale',
  ad_id: 'ad-7',
  action: 'purchase',
  source: 'web',
}

const FILTERS = DIMENSIONS.map((d) => {
  const name = DIMENSION_FIELDS[d]
  const schema: JsonSchema =
    name === 'channel'
      ? { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }
      : { type: 'string', minLength: 1 }
  return queryParameter(name, FILTER_DESCRIPTIONS[name] ?? name, schema, {
    [`only ${name}`]: FILTER_EXAMPLES[name],
  })
})

const ROW = {
  channel: 'search',
  campaign_id: 'spring-sale',
  impressions: 12000,
  clicks: 480,
  engagements: 0,
  conversions: 24,
  spend_micros: '240000000',
  revenue_micros: '720000000',
  attributed_conversions: 20,
  attributed_revenue_micros: '600000000',
  ctr: 0.04,
  cvr: 0.05,
  cpc_micros: '500000',
  cpm_micros: '20000000',
  cpa_micros: '10000000',
  roas: 3,
  roi: 2,
  engagement_rate: 0,
  cpe_micros: null,
  actions: {
    purchase: {
      conversions: 24,
      revenue_micros: '720000000',
      cpa_micros: '10000000',
      engagements: 0,
      cpe_micros: null,
    },
  },
}

/** The same sums as a by=channel row: no campaign_id. */
const CHANNEL_ROW = Object.fromEntries(Object.entries(ROW).filter(([key]) => key !== 'campaign_id'))

export const GET_KPIS: Operation = {
  operationId: 'getKpis',
  summary: 'KPIs over a window',
  description:
    'Sums and derived KPIs over a window, grouped by any of channel, campaign, ad, action and source, filtered, sorted and paged. ' +
    'Any parameter not listed here is a 400 that names it. The cursor pins the range of the first page, so a rolling window does not move while paging.',
  tags: ['query'],
  security: READ_SECURITY,
  parameters: [
    queryParameter(
      'window',
      'A rolling range ending with the current minute; the default (1h) when neither from nor to is given.',
      { type: 'string', enum: WINDOW_NAMES },
      { 'the last 24 hours': '24h' },
    ),
    queryParameter(
      'from',
      `Instead of window: the start of the range. ${RANGE_TIME.description}`,
      RANGE_TIME,
      {
        'an RFC 3339 instant': '2026-11-22T00:00:00Z',
      },
    ),
    queryParameter(
      'to',
      `Instead of window: the end of the range (default the end of the current minute), at most 400 days after from. ${RANGE_TIME.description}`,
      RANGE_TIME,
      { 'epoch milliseconds': 1795392000000 },
    ),
    queryParameter(
      'by',
      `A comma list of ${DIMENSIONS.join(', ')}, each at most once; default channel. A campaign is read within its channel and an ad within its campaign, so by=campaign rows also carry channel.`,
      {
        type: 'string',
        pattern: `^(${DIMENSIONS.join('|')})(,(${DIMENSIONS.join('|')}))*$`,
        default: 'channel',
      },
      { 'per campaign and ad': 'campaign,ad' },
    ),
    ...FILTERS,
    queryParameter(
      'sort',
      'Sort rows by this KPI (default: by bucket_start, then the keys, ascending).',
      { type: 'string', enum: [...SORTABLE_KPIS] },
      { 'by spend': 'spend_micros' },
    ),
    queryParameter(
      'order',
      'Only with sort.',
      { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
      {
        ascending: 'asc',
      },
    ),
    queryParameter(
      'bucket',
      'One row per hour or day of tz (bucket_start); default one row per key over the whole range.',
      { type: 'string', enum: ['hour', 'day'] },
      { daily: 'day' },
    ),
    queryParameter(
      'tz',
      'An IANA time zone, only with bucket.',
      { type: 'string', default: 'UTC' },
      {
        Tehran: 'Asia/Tehran',
      },
    ),
    LIMIT,
    CURSOR,
  ],
  responses: {
    '200': jsonResponse('A page of rows.', ref('KpiPage'), {
      by_campaign: {
        summary: 'by=campaign over the last hour, the last page',
        value: {
          window: '1h',
          from: '2026-11-22T09:01:00.000Z',
          to: '2026-11-22T10:01:00.000Z',
          rows: [ROW],
          next_cursor: null,
        },
      },
      daily: {
        summary: 'bucket=day&tz=UTC&by=channel&limit=1, more pages to come',
        value: {
          window: '7d',
          from: '2026-11-15T10:01:00.000Z',
          to: '2026-11-22T10:01:00.000Z',
          bucket: 'day',
          tz: 'UTC',
          rows: [{ bucket_start: '2026-11-22T00:00:00.000Z', ...CHANNEL_ROW }],
          next_cursor: 'eyJmcm9tIjoxNzk0NzQwNDYwMDAwLCJ0byI6MTc5NTM0NTI2MDAwMCwib2Zmc2V0IjoxLCJwIjoieCJ9',
        },
      },
    }),
    '400': badRequest('window: expected one of 15m, 1h, 24h, 7d, got "2h"'),
    '401': READ_UNAUTHORIZED,
    '500': SERVER_ERROR,
  },
}

/** A parameter another windowed read (/v1/experiments, /v1/attribution) takes as GET /v1/kpis does: documented once. */
export const kpiParameter = (name: string): Parameter => {
  const found = GET_KPIS.parameters?.find((p) => p.name === name)
  if (found === undefined) throw new Error(`GET /v1/kpis documents no ${name}`)
  return found
}
