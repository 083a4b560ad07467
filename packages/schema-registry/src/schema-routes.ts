import type { FastifyInstance, FastifyReply } from 'fastify'
import type { SchemaSubjects, SubjectVersion } from './schema-subjects.ts'

/** What Confluent's registry answers with; its clients accept any JSON. */
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'
const MAX_VERSION = 2 ** 31 - 1

/**
 * The read API of the Confluent Schema Registry over adpulse's own schemas,
 * at the root of the port: a Confluent deserializer given adpulse's base URL
 * as `schema.registry.url` resolves the ids in the records' frames. Read only
 * (no POST, no config, no compatibility routes) and open: a schema is a
 * public contract. Answers and error codes follow Confluent's API reference.
 */
export function registerSchemaRoutes(app: FastifyInstance, subjects: SchemaSubjects): void {
  app.get<{ Params: { id: string } }>('/schemas/ids/:id', async (request, reply) => {
    const id = /^\d+$/.test(request.params.id) ? Number(request.params.id) : Number.NaN
    const schema = subjects.schemaById(id)
    if (schema === undefined) return fail(reply, 404, 40403, `Schema ${request.params.id} not found`)
    // schemaType is left out for AVRO, as Confluent does.
    return answer(reply, { schema: JSON.stringify(schema) })
  })

  app.get('/subjects', async (_request, reply) => answer(reply, subjects.subjects))

  app.get<{ Params: { subject: string } }>('/subjects/:subject/versions', async (request, reply) => {
    const versions = subjects.versionsOf(request.params.subject)
    if (versions === undefined) return subjectNotFound(reply, request.params.subject)
    return answer(
      reply,
      versions.map((v) => v.version),
    )
  })

  app.get<{ Params: { subject: string; version: string } }>(
    '/subjects/:subject/versions/:version',
    async (request, reply) => {
      const { subject, version } = request.params
      // Confluent checks the version's form before it looks for the subject.
      const wanted = parseVersion(version)
      if (wanted === undefined) {
        return fail(
          reply,
          422,
          42202,
          `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
        )
      }
      const versions = subjects.versionsOf(subject)
      if (versions === undefined) return subjectNotFound(reply, subject)
      const found = wanted === 'latest' ? versions[versions.length - 1] : versions[wanted - 1]
      if (found === undefined) return fail(reply, 404, 40402, `Version ${version} not found.`)
      return answer(reply, versionBody(found))
    },
  )
}

/** `latest`, `-1` (Confluent's other spelling of latest), or a number from 1 to 2^31-1. */
export function parseVersion(text: string): number | 'latest' | undefined {
  if (text === 'latest' || text === '-1') return 'latest'
  if (!/^\d+$/.test(text)) return undefined
  const n = Number(text)
  return n >= 1 && n <= MAX_VERSION ? n : undefined
}

function versionBody(v: SubjectVersion) {
  return { subject: v.subject, version: v.version, id: v.id, schema: JSON.stringify(v.schema) }
}

function answer(reply: FastifyReply, body: unknown) {
  return reply.type(CONTENT_TYPE).send(body)
}

function subjectNotFound(reply: FastifyReply, subject: string) {
  return fail(reply, 404, 40401, `Subject '${subject}' not found.`)
}

/** Confluent's error shape: an HTTP status and a finer `error_code`. */
function fail(reply: FastifyReply, status: number, errorCode: number, message: string) {
  return reply.code(status).type(CONTENT_TYPE).send({ error_code: errorCode, message })
}
