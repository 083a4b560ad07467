import type { JsonSchema, Operation } from '../openapi-types.ts'
import { jsonResponse, OPEN, ref } from '../schema-kit.ts'

export const OPERATION_SCHEMAS: Record<string, JsonSchema> = {
  Health: {
    type: 'object',
    required: ['status'],
    additionalProperties: false,
    properties: { status: { const: 'ok' } },
  },
  Readiness: {
    type: 'object',
    required: ['status', 'checks'],
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: ['ready', 'unready'] },
      checks: {
        type: 'object',
        description: "Per dependency (kafka, clickhouse, the processor's writes): `ok`, or why it failed.",
        additionalProperties: { type: 'string' },
      },
    },
  },
}

export const GET_HEALTHZ: Operation = {
  operationId: 'getHealthz',
  summary: 'The process answers',
  description: 'Liveness: 200 while the process serves HTTP.',
  tags: ['operations'],
  security: OPEN,
  responses: {
    '200': jsonResponse('Alive.', ref('Health'), { ok: { summary: 'alive', value: { status: 'ok' } } }),
  },
}

export const GET_READYZ: Operation = {
  operationId: 'getReadyz',
  summary: 'Every dependency answers',
  description:
    '200 only when Kafka and ClickHouse answer (and, on a processor, ClickHouse does not refuse its writes for good), else 503 with the failing check.',
  tags: ['operations'],
  security: OPEN,
  responses: {
    '200': jsonResponse('Ready.', ref('Readiness'), {
      ready: { summary: 'ready', value: { status: 'ready', checks: { kafka: 'ok', clickhouse: 'ok' } } },
    }),
    '503': jsonResponse('A dependency does not answer.', ref('Readiness'), {
      unready: {
        summary: 'Kafka does not answer',
        value: { status: 'unready', checks: { kafka: 'Connection timeout', clickhouse: 'ok' } },
      },
    }),
  },
}

export const GET_METRICS: Operation = {
  operationId: 'getMetrics',
  summary: 'Prometheus metrics',
  description: "The process's metrics in Prometheus' text format (the catalogue: docs/metrics.md).",
  tags: ['operations'],
  security: OPEN,
  responses: {
    '200': {
      description: 'Prometheus text exposition format 0.0.4.',
      content: {
        'text/plain': {
          schema: { type: 'string' },
          examples: {
            scrape: {
              summary: 'one counter',
              value:
                '# HELP adpulse_ingest_events_total Events received by ingest, by outcome (accepted, rejected).\n' +
                '# TYPE adpulse_ingest_events_total counter\n' +
                'adpulse_ingest_events_total{outcome="accepted",service="adpulse"} 1200\n',
            },
          },
        },
      },
    },
  },
}

export const GET_OPENAPI: Operation = {
  operationId: 'getOpenApi',
  summary: 'This document',
  description:
    'The OpenAPI 3.1 document of every route adpulse serves (docs/openapi.json in the repository); a process running one service serves its subset of them.',
  tags: ['operations'],
  security: OPEN,
  responses: {
    '200': jsonResponse(
      'The OpenAPI document.',
      {
        type: 'object',
        required: ['openapi', 'info', 'paths', 'components'],
        properties: {
          openapi: { type: 'string', pattern: '^3\\.1\\.[0-9]+$' },
          info: {
            type: 'object',
            required: ['title', 'version'],
            properties: { title: { type: 'string' }, version: { type: 'string' } },
          },
          paths: { type: 'object' },
          components: { type: 'object' },
        },
      },
      {
        excerpt: {
          summary: 'its first fields',
          value: {
            openapi: '3.1.0',
            info: { title: 'adpulse', version: '0.1.0' },
            paths: {},
            components: {},
          },
        },
      },
    ),
  },
}
