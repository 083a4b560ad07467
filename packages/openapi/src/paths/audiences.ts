import { EVENT_TYPES } from '@adpulse/events'
import type { Header, JsonSchema, Operation, Parameter, Response } from '../openapi-types.ts'
import {
  badRequest,
  jsonResponse,
  queryParameter,
  READ_SECURITY,
  READ_UNAUTHORIZED,
  ref,
  SERVER_ERROR,
} from '../schema-kit.ts'

const NAMES: JsonSchema = { type: 'array', items: { type: 'string' } }
const EVENT_TYPE: JsonSchema = { type: 'string', enum: [...EVENT_TYPES] }
const MATCH_PROPERTIES = { type: EVENT_TYPE, actions: NAMES, channels: NAMES, campaigns: NAMES }

export const AUDIENCE_SCHEMAS: Record<string, JsonSchema> = {
  Audience: {
    type: 'object',
    description:
      'An audience of ADPULSE_AUDIENCES_FILE and its size now. Empty lists match anything; lookbacks and duration in milliseconds.',
    required: ['name', 'size', 'include', 'exclude', 'duration_ms'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
      size: { type: 'integer', minimum: 0, description: 'Members now.' },
      include: {
        type: 'object',
        required: ['type', 'actions', 'channels', 'campaigns', 'lookback_ms'],
        additionalProperties: false,
        properties: { ...MATCH_PROPERTIES, lookback_ms: { type: 'integer', minimum: 1 } },
      },
      exclude: {
        type: ['object', 'null'],
        required: ['type', 'actions', 'channels', 'campaigns', 'lookback_ms'],
        additionalProperties: false,
        properties: {
          ...MATCH_PROPERTIES,
          lookback_ms: {
            type: ['integer', 'null'],
            minimum: 1,
            description: 'null: an excluding event counts when it is after the latest including event.',
          },
        },
      },
      duration_ms: {
        type: 'integer',
        minimum: 1,
        description: 'Membership lasts this long after the latest including event.',
      },
    },
  },
  AudienceList: {
    type: 'object',
    required: ['at', 'audiences'],
    additionalProperties: false,
    properties: {
      at: { ...ref('Instant'), description: 'The moment the sizes are of.' },
      audiences: { type: 'array', items: ref('Audience') },
    },
  },
  UserDeletion: {
    type: 'object',
    description: 'What forgetting a person removed, as recorded in user_deletions.',
    required: [
      'deletion_id',
      'user_id',
      'deleted_at',
      'requested_by',
      'via',
      'raw_events_deleted',
      'audiences_left',
    ],
    additionalProperties: false,
    properties: {
      deletion_id: { type: 'string', format: 'uuid' },
      user_id: { type: 'string' },
      deleted_at: ref('Instant'),
      requested_by: {
        type: 'string',
        description: 'The name of the admin key (`name:key` of ADPULSE_ADMIN_KEYS).',
      },
      via: { type: 'string', enum: ['api', 'cli'] },
      raw_events_deleted: { type: 'integer', minimum: 1 },
      audiences_left: { ...NAMES, description: 'The audiences the user was a member of.' },
    },
  },
}

const AUDIENCE_EXAMPLE = {
  name: 'cart-abandoners',
  size: 1832,
  include: {
    type: 'engagement',
    actions: ['add_to_cart'],
    channels: [],
    campaigns: [],
    lookback_ms: 2592000000,
  },
  exclude: { type: 'conversion', actions: ['purchase'], channels: [], campaigns: [], lookback_ms: null },
  duration_ms: 1209600000,
}

export const GET_AUDIENCES: Operation = {
  operationId: 'getAudiences',
  summary: 'The remarketing audiences and their sizes',
  description:
    'Every audience of ADPULSE_AUDIENCES_FILE (none when unset) with its definition and its number of members now, computed from events_raw.',
  tags: ['audiences'],
  security: READ_SECURITY,
  responses: {
    '200': jsonResponse('The audiences.', ref('AudienceList'), {
      one: {
        summary: 'one audience',
        value: { at: '2026-11-22T10:00:00.000Z', audiences: [AUDIENCE_EXAMPLE] },
      },
    }),
    '401': READ_UNAUTHORIZED,
    '500': SERVER_ERROR,
  },
}

const NAME_PARAMETER: Parameter = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The name of an audience of ADPULSE_AUDIENCES_FILE.',
  schema: { type: 'string' },
  examples: { name: { summary: 'an audience', value: 'cart-abandoners' } },
}

const NEXT_CURSOR_HEADER: Header = {
  description:
    "Present when another page follows: pass it as `cursor`, with the same `hash`. Every page is of the membership at the first page's moment.",
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
  examples: {
    next: { summary: 'a cursor', value: 'eyJhdCI6MTc5NTM0MTYwMDAwMCwiYWZ0ZXIiOiJ1LTEwMjQiLCJwIjoiYWJjIn0' },
  },
}

const MEMBERS_OK: Response = {
  description:
    'A page of members in user_id order. NDJSON: one `{"user_id"|"user_id_sha256", "joined_at", "expires_at"}` per line; CSV: a header row and one row per member (RFC 4180, CRLF).',
  headers: {
    'X-Next-Cursor': NEXT_CURSOR_HEADER,
    'X-Audience-At': {
      description: "The moment membership is computed at (the first page's).",
      schema: { type: 'string', format: 'date-time' },
      examples: { at: { summary: 'an instant', value: '2026-11-22T10:00:00.000Z' } },
    },
  },
  content: {
    'application/x-ndjson': {
      schema: { type: 'string' },
      examples: {
        plain: {
          summary: 'two members',
          value:
            '{"user_id":"u-1","joined_at":"2026-11-20T08:00:00.000Z","expires_at":"2026-12-04T09:30:00.000Z"}\n' +
            '{"user_id":"u-2","joined_at":"2026-11-21T12:00:00.000Z","expires_at":"2026-12-05T12:00:00.000Z"}\n',
        },
      },
    },
    'text/csv': {
      schema: { type: 'string' },
      examples: {
        hashed: {
          summary: 'hash=sha256: SHA-256 of the trimmed, lowercased id',
          value:
            'user_id_sha256,joined_at,expires_at\r\n' +
            'a24a7f55f278dd49fb1f99c5507800cb198a5bfe10fe2126cd0b25672152b0da,2026-11-20T08:00:00.000Z,2026-12-04T09:30:00.000Z\r\n',
        },
      },
    },
  },
}

export const GET_AUDIENCE_MEMBERS: Operation = {
  operationId: 'getAudienceMembers',
  summary: "An audience's members, for a customer-match upload",
  description:
    'The members now (user_id, when their current membership began, when it ends), a page at a time. With `hash=sha256` each identifier is exported as the lowercase hex SHA-256 of its trimmed, lowercased form, as Google Ads Customer Match and Meta Custom Audiences expect.',
  tags: ['audiences'],
  security: READ_SECURITY,
  parameters: [
    NAME_PARAMETER,
    queryParameter(
      'format',
      'ndjson (default) or csv.',
      { type: 'string', enum: ['ndjson', 'csv'], default: 'ndjson' },
      {
        csv: 'csv',
      },
    ),
    queryParameter(
      'hash',
      'sha256: export hashed identifiers (default: as they are).',
      { type: 'string', enum: ['sha256'] },
      {
        'customer match': 'sha256',
      },
    ),
    queryParameter(
      'limit',
      'Members per page, an integer 1-10000.',
      { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
      {
        'five thousand': 5000,
      },
    ),
    queryParameter(
      'cursor',
      'The X-Next-Cursor of the previous page, with the same `hash`; a malformed cursor, or one of another query, is a 400 naming `cursor`.',
      { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32768}$' },
      { 'next page': 'eyJhdCI6MTc5NTM0MTYwMDAwMCwiYWZ0ZXIiOiJ1LTEwMjQiLCJwIjoiYWJjIn0' },
    ),
  ],
  responses: {
    '200': MEMBERS_OK,
    '400': badRequest('format: expected ndjson or csv, got "xml"'),
    '401': READ_UNAUTHORIZED,
    '404': jsonResponse('No audience of that name.', ref('Error'), {
      unknown: {
        summary: 'an unknown audience',
        value: { error: 'not_found', message: 'audience "buyers" is not defined; defined: cart-abandoners' },
      },
    }),
    '500': SERVER_ERROR,
  },
}

export const DELETE_USER: Operation = {
  operationId: 'deleteUser',
  summary: 'Forget a person',
  description:
    "Deletes every raw event carrying the user_id (events_raw), and with them the user's audience memberships; the KPIs keep their sums (the minute buckets hold no ids). The deletion is recorded in user_deletions (who, when, how many rows; the id as its SHA-256). The same as `adpulse forget USER_ID`.",
  tags: ['admin'],
  security: [{ adminKey: [] }],
  parameters: [
    {
      name: 'user_id',
      in: 'path',
      required: true,
      description: 'The user_id the events carried, exactly (URL-encoded).',
      schema: { type: 'string', minLength: 1, maxLength: 1024 },
      examples: { user_id: { summary: 'a user', value: 'u-1024' } },
    },
  ],
  responses: {
    '200': jsonResponse('Forgotten: what was removed.', ref('UserDeletion'), {
      forgotten: {
        summary: 'three events and one audience',
        value: {
          deletion_id: '0b7e3a52-3f1c-4d0e-9a51-7c2f0e8d1a44',
          user_id: 'u-1024',
          deleted_at: '2026-11-22T10:00:01.250Z',
          requested_by: 'dpo',
          via: 'api',
          raw_events_deleted: 3,
          audiences_left: ['cart-abandoners'],
        },
      },
    }),
    '401': jsonResponse(
      'No admin key, or not one of ADPULSE_ADMIN_KEYS (ingest and read keys do not delete).',
      ref('Error'),
      {
        unauthorized: {
          summary: 'no admin key',
          value: {
            error: 'unauthorized',
            message: 'an admin key is required: Authorization: Bearer <key of ADPULSE_ADMIN_KEYS>',
          },
        },
      },
    ),
    '404': jsonResponse(
      'No event of this user_id is in events_raw: nothing deleted, nothing recorded.',
      ref('Error'),
      {
        unknown: {
          summary: 'an unknown user',
          value: {
            error: 'not_found',
            message:
              'user "u-9": no event of this user_id is in events_raw (never seen, already forgotten, or past ADPULSE_RAW_RETENTION)',
          },
        },
      },
    ),
    '500': SERVER_ERROR,
  },
}
