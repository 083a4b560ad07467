import type { OpenApiDocument } from './openapi-types.ts'
import { ATTRIBUTION_SCHEMAS, GET_ATTRIBUTION } from './paths/attribution.ts'
import { AUDIENCE_SCHEMAS, DELETE_USER, GET_AUDIENCE_MEMBERS, GET_AUDIENCES } from './paths/audiences.ts'
import { EVENT_SCHEMAS, POST_EVENTS } from './paths/events.ts'
import { EXPERIMENT_SCHEMAS, GET_EXPERIMENTS } from './paths/experiments.ts'
import { GET_KPIS, KPI_SCHEMAS } from './paths/kpis.ts'
import { GET_HEALTHZ, GET_METRICS, GET_OPENAPI, GET_READYZ, OPERATION_SCHEMAS } from './paths/operations.ts'
import { GET_CAMPAIGNS, GET_FRESHNESS, GET_SIGNALS, READ_SCHEMAS } from './paths/reads.ts'
import {
  GET_SCHEMA_BY_ID,
  GET_SUBJECT_VERSION,
  GET_SUBJECT_VERSIONS,
  GET_SUBJECTS,
  REGISTRY_SCHEMAS,
} from './paths/schema-registry.ts'
import { COMMON_SCHEMAS } from './schema-kit.ts'

/**
 * The OpenAPI 3.1 document of adpulse's HTTP API: the one source of
 * `GET /openapi.json` and of docs/openapi.json (`pnpm openapi:write`). Routes
 * are written with OpenAPI's `{param}` templates; openapi.test.ts and the
 * end-to-end test keep it equal to the routes the processes register and the
 * answers they give.
 */
export const OPENAPI_DOCUMENT: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'adpulse',
    version: '0.1.0',
    description:
      'Event-stream pipeline for performance marketing: send ad events, read KPIs, campaigns, freshness and CUT/SCALE (and PAUSE_AD/PROMOTE_AD) signals. ' +
      'Every route is on one port (ADPULSE_PORT). Money is integer micros: strings of digits in answers. ' +
      "Errors are `{error, message}` (the schema-registry routes answer in Confluent's `{error_code, message}`).",
  },
  servers: [{ url: 'http://localhost:8080', description: 'a local adpulse (`pnpm start`)' }],
  tags: [
    { name: 'ingest', description: 'Sending events (an ingest key).' },
    { name: 'query', description: 'Reading KPIs, campaigns, freshness and signals (a read key).' },
    { name: 'audiences', description: 'Remarketing audiences and their members (a read key).' },
    { name: 'admin', description: 'Forgetting a person (an admin key).' },
    { name: 'operations', description: 'Health, readiness, metrics and this document (open).' },
    { name: 'schema registry', description: "Confluent's read API over adpulse's own Avro schemas (open)." },
  ],
  paths: {
    '/v1/events': { post: POST_EVENTS },
    '/v1/kpis': { get: GET_KPIS },
    '/v1/campaigns': { get: GET_CAMPAIGNS },
    '/v1/experiments': { get: GET_EXPERIMENTS },
    '/v1/attribution': { get: GET_ATTRIBUTION },
    '/v1/signals': { get: GET_SIGNALS },
    '/v1/freshness': { get: GET_FRESHNESS },
    '/v1/audiences': { get: GET_AUDIENCES },
    '/v1/audiences/{name}/members': { get: GET_AUDIENCE_MEMBERS },
    '/v1/users/{user_id}': { delete: DELETE_USER },
    '/healthz': { get: GET_HEALTHZ },
    '/readyz': { get: GET_READYZ },
    '/metrics': { get: GET_METRICS },
    '/openapi.json': { get: GET_OPENAPI },
    '/schemas/ids/{id}': { get: GET_SCHEMA_BY_ID },
    '/subjects': { get: GET_SUBJECTS },
    '/subjects/{subject}/versions': { get: GET_SUBJECT_VERSIONS },
    '/subjects/{subject}/versions/{version}': { get: GET_SUBJECT_VERSION },
  },
  components: {
    schemas: {
      ...COMMON_SCHEMAS,
      ...EVENT_SCHEMAS,
      ...KPI_SCHEMAS,
      ...EXPERIMENT_SCHEMAS,
      ...ATTRIBUTION_SCHEMAS,
      ...READ_SCHEMAS,
      ...AUDIENCE_SCHEMAS,
      ...OPERATION_SCHEMAS,
      ...REGISTRY_SCHEMAS,
    },
    securitySchemes: {
      ingestKey: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An ingest key (ADPULSE_INGEST_KEYS, ADPULSE_INGEST_KEYS_FILE) as `Authorization: Bearer <key>`; its source name is stamped on every event. An ingest key does not read.',
      },
      readKey: {
        type: 'http',
        scheme: 'bearer',
        description:
          'A read key (ADPULSE_READ_KEYS, `name:key` pairs) as `Authorization: Bearer <key>`, on every /v1 read. A read key does not write.',
      },
      adminKey: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An admin key (ADPULSE_ADMIN_KEYS, `name:key` pairs) as `Authorization: Bearer <key>`, for DELETE /v1/users/{user_id}; its name is recorded as who deleted. Ingest and read keys do not delete.',
      },
    },
  },
}

/** The document as served and as written to docs/openapi.json: pretty JSON with a final newline. */
export const openApiJson = (): string => `${JSON.stringify(OPENAPI_DOCUMENT, null, 2)}\n`
