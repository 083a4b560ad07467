import { DEFAULT_CONTRACT, EVENT_TYPES } from '@adpulse/events'
import type { Header, JsonSchema, Operation, Response } from '../openapi-types.ts'
import { json, jsonResponse, listOf, ref } from '../schema-kit.ts'

const ID: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: DEFAULT_CONTRACT.maxIdLength,
  description: `1 to ADPULSE_INGEST_MAX_ID_LENGTH (default ${DEFAULT_CONTRACT.maxIdLength}) characters, no control characters.`,
}
const OPTIONAL_ID: JsonSchema = { ...ID, type: ['string', 'null'] }
const MONEY_IN: JsonSchema = {
  description: 'Integer micros >= 0: a JSON integer, or a string of digits above 2^53 - 1; at most 2^63 - 1.',
  oneOf: [
    { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    { type: 'string', pattern: '^[0-9]{1,19}$' },
  ],
}

/** The event contract (README, HTTP API; packages/events/src/validate.ts), as a schema. */
export const EVENT_SCHEMAS: Record<string, JsonSchema> = {
  Event: {
    type: 'object',
    description:
      'One event. Conversions carry `action` and `value_micros`; impressions and clicks carry neither. ' +
      'An event that breaks a rule is not a refused request: it is answered by index in `rejected` and kept on the dead-letter topic.',
    required: ['event_id', 'type', 'occurred_at', 'channel', 'campaign_id'],
    properties: {
      event_id: { ...ID, description: `Unique per event: repeats are counted once. ${ID.description}` },
      type: { type: 'string', enum: [...EVENT_TYPES] },
      occurred_at: {
        description:
          'Event time: RFC 3339 with an offset, or epoch milliseconds; at most ADPULSE_INGEST_ALLOWED_LATENESS before receipt and ADPULSE_INGEST_MAX_CLOCK_SKEW after it.',
        oneOf: [
          { type: 'string', format: 'date-time' },
          { type: 'integer', minimum: 100_000_000_000 },
        ],
      },
      channel: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'A lowercase slug.' },
      campaign_id: ID,
      ad_id: OPTIONAL_ID,
      click_id: OPTIONAL_ID,
      user_id: OPTIONAL_ID,
      cost_micros: {
        ...MONEY_IN,
        description: `Explicit cost, overriding the pricing model. ${MONEY_IN.description}`,
      },
      value_micros: { ...MONEY_IN, description: `Revenue of a conversion. ${MONEY_IN.description}` },
      action: {
        type: 'string',
        minLength: 1,
        maxLength: DEFAULT_CONTRACT.maxActionLength,
        description: 'What a conversion is (`purchase`, `lead`); conversions only.',
      },
      currency: {
        type: 'string',
        pattern: '^[A-Z]{3}$',
        description: 'ISO 4217 code of cost_micros and value_micros; default ADPULSE_REPORTING_CURRENCY.',
      },
    },
  },
  FieldError: {
    type: 'object',
    description: 'One problem with one field: where, what was expected, what came.',
    required: ['field', 'expected', 'got'],
    additionalProperties: false,
    properties: { field: { type: 'string' }, expected: { type: 'string' }, got: { type: 'string' } },
  },
  Rejection: {
    type: 'object',
    description:
      'An event refused by validation, by its index in the body (a JSON array, or the lines of NDJSON).',
    required: ['index', 'event_id', 'errors'],
    additionalProperties: false,
    properties: {
      index: { type: 'integer', minimum: 0 },
      event_id: { type: ['string', 'null'], description: 'null when the item had no string event_id.' },
      errors: { type: 'array', minItems: 1, items: ref('FieldError') },
    },
  },
  IngestAnswer: {
    type: 'object',
    description: 'Sent only after Kafka acknowledged every accepted event and every dead letter.',
    required: ['accepted', 'rejected'],
    additionalProperties: false,
    properties: { accepted: { type: 'integer', minimum: 0 }, rejected: listOf('Rejection') },
  },
}

const CLICK = {
  event_id: 'evt-0001',
  type: 'click',
  occurred_at: '2026-11-22T10:00:00Z',
  channel: 'search',
  campaign_id: 'spring-sale',
  ad_id: 'ad-7',
}
const PURCHASE = {
  event_id: 'evt-0002',
  type: 'conversion',
  occurred_at: 1795341600000,
  channel: 'search',
  campaign_id: 'spring-sale',
  action: 'purchase',
  value_micros: 49_990_000,
  currency: 'EUR',
}

const retryAfter = (seconds: number): Header => ({
  description: 'Seconds to wait before retrying.',
  schema: { type: 'integer', minimum: 1 },
  examples: { wait: { summary: 'retry after this many seconds', value: seconds } },
})

/** A refusal of the whole request, with one example per `error` code it may carry. */
function refusal(description: string, codes: Record<string, string>, retry?: number): Response {
  const examples = Object.fromEntries(
    Object.entries(codes).map(([error, message]) => [error, { summary: error, value: { error, message } }]),
  )
  const answer = jsonResponse(
    `${description} \`error\` is one of: ${Object.keys(codes).join(', ')}.`,
    ref('Error'),
    examples,
  )
  return retry === undefined ? answer : { ...answer, headers: { 'Retry-After': retryAfter(retry) } }
}

const header = (name: string, description: string, schema: JsonSchema, value: string) => ({
  name,
  in: 'header' as const,
  required: false,
  description,
  schema,
  examples: { signed: { summary: name, value } },
})

export const POST_EVENTS: Operation = {
  operationId: 'postEvents',
  summary: 'Send events',
  description:
    'A JSON array of events, or NDJSON (one event per line), optionally gzipped. Valid events of a batch are accepted; ' +
    "each invalid one is answered by index and kept on the dead-letter topic. The key's source is stamped on every event. " +
    'Optionally signed (X-Adpulse-Timestamp, X-Adpulse-Signature), as the key or ADPULSE_INGEST_SIGNATURES asks.',
  tags: ['ingest'],
  security: [{ ingestKey: [] }],
  parameters: [
    header(
      'Content-Encoding',
      'gzip, or none.',
      { type: 'string', enum: ['gzip', 'x-gzip', 'identity'] },
      'gzip',
    ),
    header(
      'X-Adpulse-Timestamp',
      'The signing time, epoch seconds, within ADPULSE_INGEST_SIGNATURE_TOLERANCE of now.',
      { type: 'string', pattern: '^[0-9]{1,12}$' },
      '1795341600',
    ),
    header(
      'X-Adpulse-Signature',
      '`v1=<hex HMAC-SHA256(secret, "<timestamp>." + the raw body as sent)>`; several comma-separated while a secret rotates.',
      { type: 'string', pattern: '^v1=[0-9a-f]{64}(,\\s*v1=[0-9a-f]{64})*$' },
      'v1=5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592',
    ),
  ],
  requestBody: {
    description:
      'At most ADPULSE_INGEST_MAX_EVENTS events (default 10000) and ADPULSE_INGEST_MAX_BODY_BYTES as sent.',
    required: true,
    content: {
      ...json(listOf('Event'), {
        batch: { summary: 'a click and a purchase', value: [CLICK, PURCHASE] },
      }),
      'application/x-ndjson': {
        schema: {
          type: 'string',
          description: 'One event object per line (see Event); a line that is not JSON is rejected by index.',
        },
        examples: {
          lines: {
            summary: 'two events, one per line',
            value: `${JSON.stringify(CLICK)}\n${JSON.stringify(PURCHASE)}\n`,
          },
        },
      },
    },
  },
  responses: {
    '202': jsonResponse('Taken: the accepted events are on the events topic.', ref('IngestAnswer'), {
      all_accepted: { summary: 'every event accepted', value: { accepted: 2, rejected: [] } },
      one_rejected: {
        summary: 'one event rejected by index',
        value: {
          accepted: 1,
          rejected: [
            {
              index: 1,
              event_id: 'evt-0002',
              errors: [
                {
                  field: 'channel',
                  expected: 'a lowercase slug of 1-64 characters (a-z, 0-9, _ or -)',
                  got: '"Search"',
                },
              ],
            },
          ],
        },
      },
    }),
    '400': refusal('The body is not readable; it is kept on the dead-letter topic.', {
      unparsable_body: 'body is not valid JSON: Unexpected end of JSON input',
      undecodable_body: 'the body is not valid UTF-8',
    }),
    '401': refusal('No key, an unknown key, or a bad, expired or replayed signature.', {
      unauthorized: 'send Authorization: Bearer <ingest key>',
      signature_required: 'this key must sign its requests (x-adpulse-timestamp, x-adpulse-signature)',
      bad_signature:
        'x-adpulse-signature does not match HMAC-SHA256 of "<x-adpulse-timestamp>." and the body',
      signature_expired: 'x-adpulse-timestamp is outside the accepted window; sign with the current time',
      replayed_request: 'this signed request was already taken; sign a retry anew',
    }),
    '413': refusal('Too large: the body as sent, the inflated gzip body, or the event count.', {
      body_too_large: 'the body is over 5242880 bytes',
      inflated_body_too_large: 'the gzip body inflates to more than 20971520 bytes',
      too_many_events: 'at most 10000 events per request, got 10001',
    }),
    '415': refusal('A Content-Type or Content-Encoding ingest does not read.', {
      unsupported_media_type:
        'Content-Type "text/plain" is not supported; send application/json or application/x-ndjson',
      unsupported_encoding: 'Content-Encoding "br" is not supported; send gzip or none',
    }),
    '429': refusal("Over the key's event rate.", { rate_limited: 'over the event rate of this key' }, 1),
    '500': refusal('An unexpected failure.', { internal: 'unexpected error; retry later' }),
    '503': refusal(
      'Kafka did not acknowledge within ADPULSE_INGEST_REQUEST_TIMEOUT, or the produce buffer is full.',
      { unavailable: 'the event log is not accepting writes; retry later' },
      5,
    ),
  },
}
