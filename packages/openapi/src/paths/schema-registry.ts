import type { JsonSchema, Operation, Parameter, Response } from '../openapi-types.ts'
import { OPEN } from '../schema-kit.ts'

/** Confluent's media type: its clients accept any JSON. */
const REGISTRY_JSON = 'application/vnd.schemaregistry.v1+json'
const SUBJECT = 'adpulse.events.v1-value'
const SCHEMA_TEXT =
  '{"type":"record","name":"AdEvent","namespace":"adpulse","fields":[{"name":"event_id","type":"string"}]}'

const registryRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` })

const answer = (description: string, schema: JsonSchema, summary: string, value: unknown): Response => ({
  description,
  content: { [REGISTRY_JSON]: { schema, examples: { answer: { summary, value } } } },
})

/** An error in Confluent's shape, one example per error code. */
const registryError = (description: string, codes: Record<number, string>): Response => ({
  description,
  content: {
    [REGISTRY_JSON]: {
      schema: registryRef('RegistryError'),
      examples: Object.fromEntries(
        Object.entries(codes).map(([code, message]) => [
          `error_${code}`,
          { summary: `error_code ${code}`, value: { error_code: Number(code), message } },
        ]),
      ),
    },
  },
})

export const REGISTRY_SCHEMAS: Record<string, JsonSchema> = {
  RegistryError: {
    type: 'object',
    description: "Confluent's error shape: a finer `error_code` under the HTTP status.",
    required: ['error_code', 'message'],
    additionalProperties: false,
    properties: { error_code: { type: 'integer' }, message: { type: 'string' } },
  },
  SchemaString: {
    type: 'string',
    contentMediaType: 'application/json',
    description: 'The Avro schema, as a JSON string.',
  },
  SchemaById: {
    type: 'object',
    description: 'No `schemaType`: AVRO, as Confluent answers.',
    required: ['schema'],
    additionalProperties: false,
    properties: { schema: registryRef('SchemaString') },
  },
  SubjectVersion: {
    type: 'object',
    required: ['subject', 'version', 'id', 'schema'],
    additionalProperties: false,
    properties: {
      subject: { type: 'string' },
      version: { type: 'integer', minimum: 1 },
      id: { type: 'integer', minimum: 1, description: 'The global id records are framed with.' },
      schema: registryRef('SchemaString'),
    },
  },
}

const pathParameter = (name: string, description: string, schema: JsonSchema, value: unknown): Parameter => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
  examples: { [name]: { summary: name, value } },
})

const SUBJECT_PARAMETER = pathParameter(
  'subject',
  '`<topic>-value` of the events or signals topic.',
  { type: 'string' },
  SUBJECT,
)

const registryOperation = (
  operationId: string,
  summary: string,
  rest: Pick<Operation, 'responses'> & Partial<Operation>,
): Operation => ({
  operationId,
  summary,
  description: `${summary}. The read API of the Confluent Schema Registry over adpulse's own schemas, served without SCHEMA_REGISTRY_URL, open like the health routes.`,
  tags: ['schema registry'],
  security: OPEN,
  ...rest,
})

const SUBJECT_NOT_FOUND = { 40401: `Subject '${SUBJECT}x' not found.` }

export const GET_SCHEMA_BY_ID = registryOperation('getSchemaById', 'The schema of a global id', {
  parameters: [
    pathParameter('id', 'A global schema id, as in a record frame.', { type: 'integer', minimum: 1 }, 1),
  ],
  responses: {
    '200': answer('The schema.', registryRef('SchemaById'), 'the events schema', { schema: SCHEMA_TEXT }),
    '404': registryError('No schema of this id.', { 40403: 'Schema 99 not found' }),
  },
})

export const GET_SUBJECTS = registryOperation('getSubjects', 'The subjects', {
  responses: {
    '200': answer(
      'The subjects, sorted.',
      { type: 'array', items: { type: 'string' } },
      'the events and signals subjects',
      [SUBJECT, 'adpulse.signals.v1-value'],
    ),
  },
})

export const GET_SUBJECT_VERSIONS = registryOperation('getSubjectVersions', 'The versions of a subject', {
  parameters: [SUBJECT_PARAMETER],
  responses: {
    '200': answer(
      'The published versions, oldest first.',
      { type: 'array', items: { type: 'integer', minimum: 1 } },
      'two versions',
      [1, 2],
    ),
    '404': registryError('No such subject.', SUBJECT_NOT_FOUND),
  },
})

export const GET_SUBJECT_VERSION = registryOperation('getSubjectVersion', 'One version of a subject', {
  parameters: [
    SUBJECT_PARAMETER,
    pathParameter(
      'version',
      'A version number (1 to 2^31-1), `latest`, or `-1` (latest).',
      { anyOf: [{ type: 'integer', minimum: 1, maximum: 2147483647 }, { enum: ['latest', '-1'] }] },
      'latest',
    ),
  ],
  responses: {
    '200': answer('The version.', registryRef('SubjectVersion'), 'the latest events schema', {
      subject: SUBJECT,
      version: 1,
      id: 1,
      schema: SCHEMA_TEXT,
    }),
    '404': registryError('No such subject, or no such version of it.', {
      ...SUBJECT_NOT_FOUND,
      40402: 'Version 7 not found.',
    }),
    '422': registryError('Not a version.', {
      42202:
        'The specified version \'first\' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"',
    }),
  },
})
