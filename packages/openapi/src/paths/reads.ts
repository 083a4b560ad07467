import type { JsonSchema, Operation } from '../openapi-types.ts'
import {
  badRequest,
  CURSOR,
  jsonResponse,
  LIMIT,
  listOf,
  queryParameter,
  READ_SECURITY,
  READ_UNAUTHORIZED,
  ref,
  SERVER_ERROR,
} from '../schema-kit.ts'

const DIGITS: JsonSchema = { type: 'string', pattern: '^[0-9]+$' }
const EPOCH_MS: JsonSchema = { type: 'integer', minimum: 0, description: 'Epoch milliseconds.' }
const NULLABLE_NUMBER: JsonSchema = { type: ['number', 'null'] }

export const READ_SCHEMAS: Record<string, JsonSchema> = {
  Campaign: {
    type: 'object',
    required: ['channel', 'campaign_id', 'ads', 'first_event_at', 'last_event_at'],
    additionalProperties: false,
    properties: {
      channel: { type: 'string' },
      campaign_id: { type: 'string' },
      ads: {
        type: 'array',
        items: { type: 'string' },
        description: 'The ads seen, ascending; events without an ad not listed.',
      },
      first_event_at: { ...ref('Instant'), description: 'Event time of its first event.' },
      last_event_at: { ...ref('Instant'), description: 'Event time of its last event.' },
    },
  },
  CampaignPage: {
    type: 'object',
    required: ['campaigns', 'next_cursor'],
    additionalProperties: false,
    properties: { campaigns: listOf('Campaign'), next_cursor: ref('NextCursor') },
  },
  AlerterStatus: {
    type: 'object',
    required: ['state', 'data_complete_through', 'evaluated_at', 'dry_run'],
    additionalProperties: false,
    properties: {
      state: {
        type: 'string',
        enum: ['starting', 'ok', 'stale', 'standby', 'error'],
        description:
          'ok: deciding; stale: the data is not complete enough to decide; standby: another instance leads.',
      },
      data_complete_through: { type: ['string', 'null'], format: 'date-time' },
      evaluated_at: { type: ['string', 'null'], format: 'date-time' },
      dry_run: { type: 'boolean' },
    },
  },
  Signal: {
    type: 'object',
    description:
      'A decision, as published on the signals topic (DESIGN.md, Signals). Thresholds a rule does not have are null.',
    required: [
      'signal_id',
      'action',
      'scope',
      'channel',
      'campaign_id',
      'ad_id',
      'rule',
      'window_from',
      'window_to',
      'spend_micros',
      'revenue_micros',
      'conversions',
      'roi',
      'roi_lower',
      'roi_upper',
      'cut_below_roi',
      'scale_above_roi',
      'min_spend_micros',
      'budget_change_pct',
      'created_at',
      'condition',
      'exit_condition',
      'confidence',
    ],
    additionalProperties: false,
    properties: {
      signal_id: { type: 'string', description: 'Deterministic: a repeat of a decision has the same id.' },
      action: {
        type: 'string',
        enum: ['CUT', 'SCALE', 'PAUSE_AD', 'PROMOTE_AD'],
        description:
          "CUT and SCALE change a channel's or campaign's budget; PAUSE_AD (the ad is worse than another ad of its campaign) and PROMOTE_AD (better than every other) act on an ad, with budget_change_pct 0.",
      },
      scope: { type: 'string', enum: ['channel', 'campaign', 'ad'] },
      channel: { type: 'string' },
      campaign_id: { type: ['string', 'null'] },
      ad_id: { type: ['string', 'null'], description: 'The ad of a signal of scope ad; null otherwise.' },
      rule: { type: 'string' },
      window_from: EPOCH_MS,
      window_to: EPOCH_MS,
      spend_micros: DIGITS,
      revenue_micros: DIGITS,
      conversions: { type: 'integer', minimum: 0 },
      roi: NULLABLE_NUMBER,
      roi_lower: NULLABLE_NUMBER,
      roi_upper: NULLABLE_NUMBER,
      cut_below_roi: NULLABLE_NUMBER,
      scale_above_roi: NULLABLE_NUMBER,
      min_spend_micros: DIGITS,
      budget_change_pct: { type: 'number', description: '-100 pauses, +20 raises by a fifth.' },
      created_at: EPOCH_MS,
      condition: { type: 'string' },
      exit_condition: { type: 'string' },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  SignalsAnswer: {
    type: 'object',
    required: ['status', 'signals'],
    additionalProperties: false,
    properties: { status: ref('AlerterStatus'), signals: listOf('Signal') },
  },
  PartitionFreshness: {
    type: 'object',
    required: ['partition', 'committed_offset', 'high_watermark', 'complete_through', 'updated_at'],
    additionalProperties: false,
    properties: {
      partition: { type: 'integer', minimum: 0 },
      committed_offset: {
        type: 'string',
        pattern: '^(-1|[0-9]+)$',
        description:
          "Kafka offsets as strings of digits; -1 (Kafka's own sign) before the partition's first commit.",
      },
      high_watermark: DIGITS,
      complete_through: ref('Instant'),
      updated_at: ref('Instant'),
    },
  },
  Freshness: {
    type: 'object',
    required: ['topic', 'complete_through', 'lag_seconds', 'partitions'],
    additionalProperties: false,
    properties: {
      topic: { type: 'string' },
      complete_through: {
        type: ['string', 'null'],
        format: 'date-time',
        description:
          'Every event accepted before this instant is in ClickHouse (the oldest partition); null before any.',
      },
      lag_seconds: { type: ['number', 'null'], minimum: 0 },
      partitions: listOf('PartitionFreshness'),
    },
  },
}

export const GET_CAMPAIGNS: Operation = {
  operationId: 'getCampaigns',
  summary: 'The campaigns seen',
  description:
    'The campaigns seen, ordered by channel then campaign_id, with their ads and the event time of their first and last event, a page at a time.',
  tags: ['query'],
  security: READ_SECURITY,
  parameters: [
    queryParameter(
      'channel',
      'Only campaigns of this channel (default all).',
      {
        type: 'string',
        pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
      },
      { 'only search': 'search' },
    ),
    LIMIT,
    CURSOR,
  ],
  responses: {
    '200': jsonResponse('A page of campaigns.', ref('CampaignPage'), {
      one_campaign: {
        summary: 'one campaign with two ads, the last page',
        value: {
          campaigns: [
            {
              channel: 'search',
              campaign_id: 'spring-sale',
              ads: ['ad-7', 'ad-8'],
              first_event_at: '2026-11-20T08:12:00.000Z',
              last_event_at: '2026-11-22T09:59:31.250Z',
            },
          ],
          next_cursor: null,
        },
      },
    }),
    '400': badRequest('unknown parameter "campaign": expected channel, limit, cursor'),
    '401': READ_UNAUTHORIZED,
    '500': SERVER_ERROR,
  },
}

const SIGNAL = {
  signal_id: 'sig-3f2a9c1e',
  action: 'CUT',
  scope: 'campaign',
  channel: 'display',
  campaign_id: 'd1',
  rule: 'cut-unprofitable',
  window_from: 1795255200000,
  window_to: 1795341600000,
  spend_micros: '79500000',
  revenue_micros: '2000000',
  conversions: 1,
  roi: -0.9748,
  roi_lower: -0.99,
  roi_upper: -0.91,
  cut_below_roi: 0,
  scale_above_roi: null,
  min_spend_micros: '9000000',
  budget_change_pct: -100,
  created_at: 1795341601234,
  condition: 'roi < 0',
  exit_condition: 'roi > 0.2',
  confidence: 0.9,
  ad_id: null,
}
const PAUSE_AD_SIGNAL = {
  ...SIGNAL,
  ...{ signal_id: 'sig-7b01d4e2', action: 'PAUSE_AD', scope: 'ad', ad_id: 'd1-b', rule: 'pause-weak-ads' },
  ...{ conversions: 0, roi: -1, roi_lower: -1, roi_upper: null, cut_below_roi: null, budget_change_pct: 0 },
  ...{ condition: 'ctr_lift < 0', exit_condition: 'ctr_lift > -0.1', confidence: 0.9, revenue_micros: '0' },
}

export const GET_SIGNALS: Operation = {
  operationId: 'getSignals',
  summary: "The alerter's state and recent signals",
  description: 'The most recent signals, newest first, and whether the alerter is deciding.',
  tags: ['query'],
  security: READ_SECURITY,
  parameters: [LIMIT],
  responses: {
    '200': jsonResponse('The state and the signals.', ref('SignalsAnswer'), {
      deciding: {
        summary: 'deciding, one CUT and one PAUSE_AD',
        value: {
          status: {
            state: 'ok',
            data_complete_through: '2026-11-22T10:00:00.000Z',
            evaluated_at: '2026-11-22T10:00:01.234Z',
            dry_run: false,
          },
          signals: [PAUSE_AD_SIGNAL, SIGNAL],
        },
      },
    }),
    '400': badRequest('limit: expected an integer 1-1000, got "0"'),
    '401': READ_UNAUTHORIZED,
    '500': SERVER_ERROR,
  },
}

export const GET_FRESHNESS: Operation = {
  operationId: 'getFreshness',
  summary: 'How far the events are written to ClickHouse',
  description: 'Per partition of the events topic and for the whole topic (its oldest partition).',
  tags: ['query'],
  security: READ_SECURITY,
  responses: {
    '200': jsonResponse('Freshness of the events topic.', ref('Freshness'), {
      one_partition: {
        summary: 'one partition, two seconds behind',
        value: {
          topic: 'adpulse.events.v1',
          complete_through: '2026-11-22T09:59:58.000Z',
          lag_seconds: 2,
          partitions: [
            {
              partition: 0,
              committed_offset: '1200',
              high_watermark: '1200',
              complete_through: '2026-11-22T09:59:58.000Z',
              updated_at: '2026-11-22T09:59:59.500Z',
            },
          ],
        },
      },
    }),
    '401': READ_UNAUTHORIZED,
    '500': SERVER_ERROR,
  },
}
