import { EXPERIMENT_METRICS } from '@adpulse/experiments'
import type { JsonSchema, Operation } from '../openapi-types.ts'
import {
  ANSWERED_RANGE,
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
import { kpiParameter } from './kpis.ts'

const BOUNDS: JsonSchema = {
  type: 'array',
  prefixItems: [{ type: 'number' }, { type: ['number', 'null'] }],
  minItems: 2,
  maxItems: 2,
  description: '[lower, upper]; upper null when unbounded.',
}

const MIN_LIFT: JsonSchema = {
  type: ['number', 'null'],
  description:
    'The min_lift the test of two ads was tuned to, as asked; null when not given (the fixed prior).',
}

export const EXPERIMENT_SCHEMAS: Record<string, JsonSchema> = {
  ExperimentAd: {
    type: 'object',
    description:
      "One ad of a creative test: its sums over the window and its metric's always-valid interval.",
    required: [
      'ad_id',
      'impressions',
      'clicks',
      'conversions',
      'revenue_micros',
      'estimate',
      'interval',
      'lift_vs_best',
      'probability_best',
    ],
    additionalProperties: false,
    properties: {
      ad_id: { type: 'string' },
      impressions: { type: 'integer', minimum: 0 },
      clicks: { type: 'integer', minimum: 0 },
      conversions: { type: 'integer', minimum: 0 },
      revenue_micros: ref('Micros'),
      estimate: {
        type: 'number',
        minimum: 0,
        description: 'The metric: a rate for ctr and cvr, micros per impression for revenue_per_impression.',
      },
      interval: {
        ...BOUNDS,
        description:
          'The confidence sequence of the metric at (1 − confidence) / number of ads: every interval of the campaign holds at every look together with probability at least confidence.',
      },
      lift_vs_best: {
        type: ['object', 'null'],
        description:
          "The ad's metric over the best ad's, minus 1 (−0.2: 20 % worse), with an always-valid interval from what decides `status`: for ctr and cvr the test of this ad and the best against each other (the split of their successes, at (1 − confidence) / number of pairs, tuned to min_lift), for revenue_per_impression the ratio of the two ads' intervals. Its upper end is below 0 exactly when the winner is declared over this ad, so status is winner exactly when every other ad's upper end is below 0. null when the best ad's estimate is 0.",
        required: ['estimate', 'interval'],
        additionalProperties: false,
        properties: { estimate: { type: 'number' }, interval: BOUNDS },
      },
      probability_best: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        description:
          'Bayesian probability of being the best ad (uniform prior, 10,000 seeded draws): reported, not decided on.',
      },
    },
  },
  Experiment: {
    type: 'object',
    description: "One campaign's creative test (docs/experiments.md).",
    required: ['campaign_id', 'channel', 'metric', 'status', 'confidence', 'min_lift', 'best_ad_id', 'ads'],
    additionalProperties: false,
    properties: {
      campaign_id: { type: 'string' },
      channel: { type: 'string' },
      metric: { type: 'string', enum: [...EXPERIMENT_METRICS] },
      status: {
        type: 'string',
        enum: ['collecting', 'winner', 'no_clear_winner'],
        description:
          "winner: the best ad beats every other ad, i.e. every other ad's lift_vs_best interval lies below 0 (ctr and cvr: in the test of the two ads against each other; revenue_per_impression: the best ad's lower bound above the other's upper bound); no_clear_winner: not, though every interval is narrower than a quarter of the campaign's pooled figure; collecting: neither.",
      },
      confidence: { type: 'number' },
      min_lift: MIN_LIFT,
      best_ad_id: { type: 'string', description: 'The ad with the highest estimate.' },
      ads: { ...listOf('ExperimentAd'), minItems: 2 },
    },
  },
  ExperimentPage: {
    type: 'object',
    required: ['window', 'from', 'to', 'metric', 'confidence', 'min_lift', 'campaigns', 'next_cursor'],
    additionalProperties: false,
    properties: {
      ...ANSWERED_RANGE,
      metric: { type: 'string', enum: [...EXPERIMENT_METRICS] },
      confidence: { type: 'number' },
      min_lift: MIN_LIFT,
      campaigns: listOf('Experiment'),
      next_cursor: ref('NextCursor'),
    },
  },
}

const EXAMPLE = {
  campaign_id: 'spring-sale',
  channel: 'search',
  metric: 'cvr',
  status: 'winner',
  confidence: 0.95,
  min_lift: null,
  best_ad_id: 'ad-a',
  ads: [
    {
      ad_id: 'ad-a',
      impressions: 5000,
      clicks: 100,
      conversions: 20,
      revenue_micros: '800000000',
      estimate: 0.2,
      interval: [0.087593, 0.358535],
      lift_vs_best: { estimate: 0, interval: [0, 0] },
      probability_best: 1,
    },
    {
      ad_id: 'ad-b',
      impressions: 5000,
      clicks: 100,
      conversions: 0,
      revenue_micros: '0',
      estimate: 0,
      interval: [0, 0.079686],
      lift_vs_best: { estimate: -1, interval: [-1, -0.482415] },
      probability_best: 0,
    },
  ],
}

export const GET_EXPERIMENTS: Operation = {
  operationId: 'getExperiments',
  summary: 'Creative tests: which ad of a campaign is better',
  description:
    'For every campaign with two or more ads in the window: each ad’s CTR, CVR or revenue per impression with an interval that stays valid however often it is looked at, ' +
    'its lift against the best ad, its probability of being best, and the campaign’s status. Campaigns ordered by channel then campaign_id. ' +
    'Any parameter not listed here is a 400 that names it; so is a window with more than 50,000 ads. Method: docs/experiments.md.',
  tags: ['query'],
  security: READ_SECURITY,
  parameters: [
    kpiParameter('window'),
    kpiParameter('from'),
    kpiParameter('to'),
    kpiParameter('channel'),
    kpiParameter('campaign_id'),
    queryParameter(
      'metric',
      'ctr = clicks / impressions, cvr = conversions / clicks, revenue_per_impression = revenue micros / impressions.',
      { type: 'string', enum: [...EXPERIMENT_METRICS], default: 'ctr' },
      { 'conversion rate': 'cvr' },
    ),
    queryParameter(
      'confidence',
      'The probability that no interval of a campaign ever misses, over every look: 0.5-0.999, at most 4 decimals.',
      { type: 'number', minimum: 0.5, maximum: 0.999, default: 0.95 },
      { '99 %': 0.99 },
    ),
    queryParameter(
      'min_lift',
      'The smallest relative lift of CTR or CVR the campaign wants to find (0.1: 10 %), 0.01-10: tunes the test of two ads to decide such a lift soonest (docs/experiments.md, Tuning to the minimum lift). Absent: a fixed prior, about the tuning for 16 %.',
      { type: 'number', minimum: 0.01, maximum: 10 },
      { '10 %': 0.1 },
    ),
    { ...LIMIT, description: 'Campaigns per page, an integer 1-1000.' },
    CURSOR,
  ],
  responses: {
    '200': jsonResponse('A page of campaigns.', ref('ExperimentPage'), {
      winner: {
        summary: 'metric=cvr for one campaign: ad-a converts better',
        value: {
          window: '24h',
          from: '2026-11-21T10:01:00.000Z',
          to: '2026-11-22T10:01:00.000Z',
          metric: 'cvr',
          confidence: 0.95,
          min_lift: null,
          campaigns: [EXAMPLE],
          next_cursor: null,
        },
      },
    }),
    '400': badRequest('metric: expected one of ctr, cvr, revenue_per_impression, got "roi"'),
    '401': READ_UNAUTHORIZED,
    '404': jsonResponse(
      'The campaign asked by `campaign_id` has no events with an ad in the window.',
      ref('Error'),
      {
        unknown: {
          summary: 'a campaign without ads in the window',
          value: {
            error: 'not_found',
            message: 'campaign_id "c9" has no events with an ad_id in the window',
          },
        },
      },
    ),
    '422': jsonResponse(
      'The campaign asked by `campaign_id` has one ad in the window: nothing to compare.',
      ref('Error'),
      {
        one_ad: {
          summary: 'a campaign with one ad',
          value: {
            error: 'one_ad',
            message:
              'campaign_id "c2" has one ad in the window (ad-a): a creative test compares two or more ads of a campaign',
          },
        },
      },
    ),
    '500': SERVER_ERROR,
  },
}
