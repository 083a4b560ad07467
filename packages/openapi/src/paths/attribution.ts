import type { JsonSchema, Operation } from '../openapi-types.ts'
import {
  ANSWERED_RANGE,
  badRequest,
  jsonResponse,
  listOf,
  READ_SECURITY,
  READ_UNAUTHORIZED,
  ref,
  SERVER_ERROR,
} from '../schema-kit.ts'
import { kpiParameter } from './kpis.ts'

const FIGURES = {
  matched: ref('AttributionFigures'),
  waiting: ref('AttributionFigures'),
  unattributed: ref('AttributionFigures'),
}

export const ATTRIBUTION_SCHEMAS: Record<string, JsonSchema> = {
  AttributionFigures: {
    type: 'object',
    required: ['conversions', 'revenue_micros'],
    additionalProperties: false,
    properties: { conversions: { type: 'integer', minimum: 0 }, revenue_micros: ref('Micros') },
  },
  AttributionChannel: {
    type: 'object',
    description:
      'The channel conversions are credited to; a waiting one counts under the channel it reported ("" for a postback with only a click_id).',
    required: ['channel', 'matched', 'waiting', 'unattributed'],
    additionalProperties: false,
    properties: { channel: { type: 'string' }, ...FIGURES },
  },
  AttributionSummary: {
    type: 'object',
    required: ['window', 'from', 'to', 'matched', 'waiting', 'unattributed', 'channels'],
    additionalProperties: false,
    properties: {
      ...ANSWERED_RANGE,
      matched: { ...ref('AttributionFigures'), description: 'Credited to the click of their click_id.' },
      waiting: {
        ...ref('AttributionFigures'),
        description: 'Waiting for their click (ADPULSE_ATTRIBUTION_WAIT); not in the KPIs yet.',
      },
      unattributed: {
        ...ref('AttributionFigures'),
        description:
          'No click matched within the window and the wait: counted under their own channel and campaign, or "unattributed".',
      },
      channels: listOf('AttributionChannel'),
    },
  },
}

export const GET_ATTRIBUTION: Operation = {
  operationId: 'getAttribution',
  summary: 'Conversions with a click_id: matched, waiting, unattributed',
  description:
    'The conversions carrying a click_id that occurred in a window, by where attribution stands (docs/attribution.md), with their revenue; in total and per channel. ' +
    'Any parameter not listed here is a 400 that names it.',
  tags: ['query'],
  security: READ_SECURITY,
  // The range is read as GET /v1/kpis reads it (parseRange): the same parameters, documented once.
  parameters: [kpiParameter('window'), kpiParameter('from'), kpiParameter('to')],
  responses: {
    '200': jsonResponse('The conversions with a click_id of the range.', ref('AttributionSummary'), {
      a_day: {
        summary: 'most credited to a click, one waiting',
        value: {
          window: '24h',
          from: '2026-11-21T10:00:00.000Z',
          to: '2026-11-22T10:00:00.000Z',
          matched: { conversions: 40, revenue_micros: '1200000000' },
          waiting: { conversions: 1, revenue_micros: '30000000' },
          unattributed: { conversions: 3, revenue_micros: '90000000' },
          channels: [
            {
              channel: '',
              matched: { conversions: 0, revenue_micros: '0' },
              waiting: { conversions: 1, revenue_micros: '30000000' },
              unattributed: { conversions: 0, revenue_micros: '0' },
            },
            {
              channel: 'search',
              matched: { conversions: 40, revenue_micros: '1200000000' },
              waiting: { conversions: 0, revenue_micros: '0' },
              unattributed: { conversions: 0, revenue_micros: '0' },
            },
            {
              channel: 'unattributed',
              matched: { conversions: 0, revenue_micros: '0' },
              waiting: { conversions: 0, revenue_micros: '0' },
              unattributed: { conversions: 3, revenue_micros: '90000000' },
            },
          ],
        },
      },
    }),
    '400': badRequest('window: expected one of 15m, 1h, 24h, 7d, got "2h"'),
    '401': READ_UNAUTHORIZED,
    '500': SERVER_ERROR,
  },
}
