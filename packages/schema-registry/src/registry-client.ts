/** Closed list of what can go wrong talking to a schema registry. */
export type SchemaRegistryErrorCode =
  | 'UNREACHABLE'
  | 'NOT_FOUND'
  | 'INCOMPATIBLE'
  | 'INVALID_SCHEMA'
  | 'BAD_RESPONSE'
  /** 401 or 403: the registry refused the credentials (or their absence). */
  | 'UNAUTHORIZED'

export class SchemaRegistryError extends Error {
  override name = 'SchemaRegistryError'
  constructor(
    readonly code: SchemaRegistryErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The two calls of the Confluent Schema Registry REST API that adpulse needs. */
export interface SchemaRegistryClient {
  /**
   * `POST /subjects/{subject}/versions`: registers an Avro schema under a
   * subject (or finds it, when already registered) and answers its global id.
   */
  register(subject: string, schema: object): Promise<number>
  /** `GET /schemas/ids/{id}`: the schema of a global id. */
  schemaById(id: number): Promise<object>
}

export interface SchemaRegistryClientOptions {
  /** Base URL, e.g. http://registry:8081 (a path prefix is kept). */
  url: string
  /** Sent with every request: basic auth or a bearer token; undefined: none. */
  auth?: RegistryAuth
  /** Per request; default 5000 ms. */
  timeoutMs?: number
  fetch?: typeof fetch
}

/** The registry's credentials (the config's `schemaRegistry.auth`). */
export type RegistryAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

/** The Authorization header of the credentials; basic auth is `user:password` in UTF-8, base64 (RFC 7617). */
export function authorizationHeader(auth: RegistryAuth | undefined): Record<string, string> {
  if (auth === undefined) return {}
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` }
  const credentials = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')
  return { authorization: `Basic ${credentials}` }
}

export function createSchemaRegistryClient(options: SchemaRegistryClientOptions): SchemaRegistryClient {
  const base = options.url.replace(/\/+$/, '')
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 5000
  const headers = { accept: CONTENT_TYPE, 'content-type': CONTENT_TYPE, ...authorizationHeader(options.auth) }

  async function call(path: string, init: RequestInit): Promise<Record<string, unknown>> {
    let response: Response
    try {
      response = await doFetch(`${base}${path}`, {
        ...init,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      throw new SchemaRegistryError('UNREACHABLE', `schema registry ${base} does not answer`, true, {
        cause: err,
      })
    }
    const text = await response.text()
    let body: Record<string, unknown> = {}
    try {
      body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
    } catch (err) {
      throw new SchemaRegistryError('BAD_RESPONSE', `${path}: answer is not JSON`, false, { cause: err })
    }
    if (response.ok) return body
    const message = `${path}: ${response.status} ${typeof body.message === 'string' ? body.message : text}`
    // Confluent error codes: 404xx not found, 409 incompatible, 422xx invalid schema, 5xx the registry's own trouble.
    if (response.status === 401 || response.status === 403) {
      throw new SchemaRegistryError('UNAUTHORIZED', message, false)
    }
    if (response.status === 404) throw new SchemaRegistryError('NOT_FOUND', message, false)
    if (response.status === 409) throw new SchemaRegistryError('INCOMPATIBLE', message, false)
    if (response.status === 422) throw new SchemaRegistryError('INVALID_SCHEMA', message, false)
    throw new SchemaRegistryError('BAD_RESPONSE', message, response.status >= 500)
  }

  return {
    async register(subject, schema) {
      const body = await call(`/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        body: JSON.stringify({ schemaType: 'AVRO', schema: JSON.stringify(schema) }),
      })
      if (typeof body.id !== 'number') {
        throw new SchemaRegistryError('BAD_RESPONSE', `register ${subject}: no id in the answer`, false)
      }
      return body.id
    },
    async schemaById(id) {
      const body = await call(`/schemas/ids/${id}`, { method: 'GET' })
      if (typeof body.schema !== 'string') {
        throw new SchemaRegistryError('BAD_RESPONSE', `schema ${id}: no schema in the answer`, false)
      }
      try {
        return JSON.parse(body.schema) as object
      } catch (err) {
        throw new SchemaRegistryError('BAD_RESPONSE', `schema ${id} is not JSON`, false, { cause: err })
      }
    },
  }
}
