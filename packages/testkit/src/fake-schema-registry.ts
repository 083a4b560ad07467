import { createServer, type Server } from 'node:http'

/**
 * A tiny stand-in for the Confluent Schema Registry, for tests on a machine
 * without one: the two endpoints adpulse uses, with the registry's rules
 * (global ids shared by identical schemas across subjects, one version per
 * distinct schema in a subject, 40403 for an unknown id, 42201 for a body
 * that is not an Avro schema). Not a compatibility checker.
 */
export interface FakeRegistry {
  url: string
  /** Subject → global ids of its versions, in order. */
  subjects: Map<string, number[]>
  requests: string[]
  close(): Promise<void>
}

/**
 * Ids start at firstId (a real registry starts at 1; tests pick another to tell registry ids from built-in ones).
 * With authorization, a request without exactly that Authorization header gets 401, as a registry behind auth answers.
 */
export async function startFakeRegistry({
  firstId = 1,
  authorization,
}: {
  firstId?: number
  authorization?: string
} = {}): Promise<FakeRegistry> {
  const idsBySchema = new Map<string, number>()
  const schemasById = new Map<number, string>()
  const subjects = new Map<string, number[]>()
  const requests: string[] = []
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString()
    })
    request.on('end', () => {
      requests.push(`${request.method} ${request.url}`)
      const answer = (status: number, value: object) => {
        response.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' })
        response.end(JSON.stringify(value))
      }
      if (authorization !== undefined && request.headers.authorization !== authorization) {
        return answer(401, { error_code: 401, message: 'Unauthorized' })
      }
      const register = /^\/subjects\/([^/]+)\/versions$/.exec(request.url ?? '')
      const byId = /^\/schemas\/ids\/(\d+)$/.exec(request.url ?? '')
      if (request.method === 'POST' && register?.[1]) {
        let schema: string
        try {
          const parsed = JSON.parse(body) as { schema?: unknown; schemaType?: unknown }
          if (typeof parsed.schema !== 'string') throw new Error('no schema')
          if (parsed.schemaType !== undefined && parsed.schemaType !== 'AVRO') throw new Error('not AVRO')
          schema = JSON.stringify(JSON.parse(parsed.schema))
        } catch {
          return answer(422, { error_code: 42201, message: 'Invalid schema' })
        }
        let id = idsBySchema.get(schema)
        if (id === undefined) {
          id = firstId + idsBySchema.size
          idsBySchema.set(schema, id)
          schemasById.set(id, schema)
        }
        const subject = decodeURIComponent(register[1])
        const versions = subjects.get(subject) ?? []
        if (!versions.includes(id)) versions.push(id)
        subjects.set(subject, versions)
        return answer(200, { id })
      }
      if (request.method === 'GET' && byId?.[1]) {
        const schema = schemasById.get(Number(byId[1]))
        if (schema === undefined) return answer(404, { error_code: 40403, message: 'Schema not found' })
        return answer(200, { schema })
      }
      return answer(404, { error_code: 404, message: 'HTTP 404 Not Found' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    subjects,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
