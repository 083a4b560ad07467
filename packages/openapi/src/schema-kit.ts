import { NAMED_WINDOWS } from '@adpulse/kpi'
import type { Content, Examples, JsonSchema, Parameter, Response } from './openapi-types.ts'

/** A reference to a schema of components.schemas. */
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` })

/** A JSON body: its schema and examples. */
export const json = (schema: JsonSchema, examples: Examples): Content => ({
  'application/json': { schema, examples },
})

/** An answer with a JSON body. */
export const jsonResponse = (description: string, schema: JsonSchema, examples: Examples): Response => ({
  description,
  content: json(schema, examples),
})

/** The schema of a list whose items follow the named schema. */
export const listOf = (name: string): JsonSchema => ({ type: 'array', items: ref(name) })

/**
 * Schemas every route shares: error bodies, money, instants. Money travels as
 * strings of integer micros (1 unit = 1 000 000 micros), never as a JSON number,
 * so an amount past 2^53 stays exact.
 */
export const COMMON_SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    description:
      'A refused request: `error`, a stable code to branch on; `message`, for a person, naming the field or header at fault.',
    required: ['error', 'message'],
    additionalProperties: false,
    properties: {
      error: { type: 'string', examples: ['bad_request'] },
      message: { type: 'string', examples: ['limit: expected an integer 1-1000, got "0"'] },
    },
  },
  ServerError: {
    type: 'object',
    description: 'An unexpected failure (a store that does not answer): retry later.',
    required: ['error', 'message'],
    properties: {
      error: { type: 'string' },
      message: { type: 'string' },
      statusCode: { type: 'integer' },
    },
  },
  Micros: {
    type: 'string',
    pattern: '^[0-9]+$',
    description: 'An amount of money in integer micros of the reporting currency, as a string of digits.',
    examples: ['1250000'],
  },
  NullableMicros: {
    type: ['string', 'null'],
    pattern: '^[0-9]+$',
    description: 'Integer micros as a string of digits (rounded half up); null where the denominator is 0.',
    examples: ['500000', null],
  },
  Ratio: {
    type: ['number', 'null'],
    description: 'A ratio of two sums; null where the denominator is 0.',
    examples: [0.04, null],
  },
  Instant: {
    type: 'string',
    format: 'date-time',
    description: 'An instant, RFC 3339 in UTC.',
    examples: ['2026-11-22T10:00:00.000Z'],
  },
  NextCursor: {
    type: ['string', 'null'],
    pattern: '^[A-Za-z0-9_-]+$',
    description:
      'Null on the last page; else pass it as `cursor`, with the same other parameters, for the next page.',
    examples: [
      'eyJmcm9tIjoxNzY0MzI1MjAwMDAwLCJ0byI6MTc2NDMyODgwMDAwMCwib2Zmc2V0IjoxMDAsInAiOiJhYmMifQ',
      null,
    ],
  },
}

/** The `400 {error: 'bad_request', message}` of a read route, with one example message. */
export const badRequest = (message: string): Response =>
  jsonResponse('A parameter is wrong or unknown: `message` names it and what it accepts.', ref('Error'), {
    bad_request: { summary: 'a parameter refused', value: { error: 'bad_request', message } },
  })

/** The 401 of a /v1 read without a valid read key. */
export const READ_UNAUTHORIZED: Response = jsonResponse(
  'No read key, or not one of `ADPULSE_READ_KEYS` (an ingest key does not read).',
  ref('Error'),
  {
    unauthorized: {
      summary: 'no read key',
      value: { error: 'unauthorized', message: 'send Authorization: Bearer <read key>' },
    },
  },
)

/** The 500 of a read whose store failed. */
export const SERVER_ERROR: Response = jsonResponse(
  'The store did not answer; retry later.',
  ref('ServerError'),
  {
    internal: {
      summary: 'ClickHouse did not answer',
      value: {
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'connect ECONNREFUSED 127.0.0.1:8123',
      },
    },
  },
)

/** What every /v1 read requires: a read key. */
export const READ_SECURITY = [{ readKey: [] }] as const
/** Open routes: health, metrics, schemas, this document. */
export const OPEN: readonly [] = []

/** An optional query parameter, with its examples given as summary → value. */
export const queryParameter = (
  name: string,
  description: string,
  schema: JsonSchema,
  examples: Record<string, unknown>,
): Parameter => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
  examples: Object.fromEntries(
    Object.entries(examples).map(([summary, value], i) => [`${name}_${i + 1}`, { summary, value }]),
  ),
})

/** `limit`: rows per page, 1-1000, default 100. */
export const LIMIT = queryParameter(
  'limit',
  'Rows per page, an integer 1-1000.',
  { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  { 'fifty rows': 50 },
)

/** `cursor`: the next_cursor of the previous page. */
export const CURSOR = queryParameter(
  'cursor',
  'The `next_cursor` of the previous page, with the same other parameters; a malformed cursor, or one passed with other parameters, is a 400 naming `cursor`.',
  { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32768}$' },
  { 'the next page': 'eyJmcm9tIjoxNzk1MzM4MDAwMDAwLCJ0byI6MTc5NTM0MTY2MDAwMCwib2Zmc2V0IjoxMDAsInAiOiJ4In0' },
)

/** The named windows of `window=` (GET /v1/kpis, /v1/attribution, /v1/experiments). */
export const WINDOW_NAMES = Object.keys(NAMED_WINDOWS)

/** `from=` and `to=` of a range, as every windowed read takes them. */
export const RANGE_TIME: JsonSchema = {
  description: 'RFC 3339 with an offset, or epoch milliseconds; on a whole minute.',
  oneOf: [
    { type: 'string', format: 'date-time' },
    { type: 'integer', minimum: 0 },
  ],
}

/** The range a windowed read answered, as every such response echoes it (GET /v1/kpis, /v1/attribution, /v1/experiments). */
export const ANSWERED_RANGE: Record<'window' | 'from' | 'to', JsonSchema> = {
  window: {
    type: ['string', 'null'],
    enum: [...WINDOW_NAMES, null],
    description: 'null when from/to were given.',
  },
  from: { ...ref('Instant'), description: 'Start of the range of event time, inclusive.' },
  to: { ...ref('Instant'), description: 'End of the range, exclusive.' },
}
