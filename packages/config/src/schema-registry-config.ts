import type { EnvReader } from './env-reader.ts'

/** How adpulse authenticates to the schema registry: HTTP basic auth or a bearer token. */
export type SchemaRegistryAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }

export interface SchemaRegistryConfig {
  /**
   * `SCHEMA_REGISTRY_URL`, unset by default: a Confluent Schema Registry. Set,
   * the schemas are registered under `<topic>-value` at start and records carry
   * the registry's ids; unset, the built-in table of packages/events/src/schemas.ts.
   * User info in the URL (`https://user:pass@host`) is taken as basic auth and
   * removed from the URL, so it never reaches a log line.
   */
  url: string | undefined
  /**
   * `SCHEMA_REGISTRY_USERNAME` and `SCHEMA_REGISTRY_PASSWORD` (basic auth, e.g. a
   * Confluent Cloud API key and secret), or `SCHEMA_REGISTRY_TOKEN` (sent as
   * `Authorization: Bearer`); unset: no authentication.
   */
  auth: SchemaRegistryAuth | undefined
}

export function readSchemaRegistry(r: EnvReader): SchemaRegistryConfig {
  const raw = r.optionalString('SCHEMA_REGISTRY_URL')
  const username = r.optionalString('SCHEMA_REGISTRY_USERNAME')
  const password = r.optionalString('SCHEMA_REGISTRY_PASSWORD')
  const token = r.optionalString('SCHEMA_REGISTRY_TOKEN')
  const parsed = raw === undefined ? undefined : parseRegistryUrl(r, raw)
  const basic = parsed?.userInfo ?? readBasic(r, username, password)
  if (parsed?.userInfo !== undefined && (username !== undefined || password !== undefined)) {
    r.fail(
      'SCHEMA_REGISTRY_USERNAME: set, but SCHEMA_REGISTRY_URL carries a user too; give the credentials once',
    )
  }
  if (basic !== undefined && token !== undefined) {
    r.fail(
      'SCHEMA_REGISTRY_TOKEN: set together with basic auth (SCHEMA_REGISTRY_USERNAME or a user in the URL); choose one',
    )
  }
  const auth: SchemaRegistryAuth | undefined =
    token !== undefined ? { kind: 'bearer', token } : basic && { kind: 'basic', ...basic }
  if (raw === undefined && auth !== undefined) {
    r.fail(
      'SCHEMA_REGISTRY_URL: required with registry credentials (SCHEMA_REGISTRY_USERNAME, SCHEMA_REGISTRY_TOKEN)',
    )
  }
  return { url: parsed?.url, auth }
}

function readBasic(
  r: EnvReader,
  username: string | undefined,
  password: string | undefined,
): { username: string; password: string } | undefined {
  if (username === undefined && password === undefined) return undefined
  if (username === undefined) r.fail('SCHEMA_REGISTRY_USERNAME: required with SCHEMA_REGISTRY_PASSWORD')
  if (password === undefined) r.fail('SCHEMA_REGISTRY_PASSWORD: required with SCHEMA_REGISTRY_USERNAME')
  return username !== undefined && password !== undefined ? { username, password } : undefined
}

/** The URL without its user info, and that user info (percent-decoded) as basic credentials. */
function parseRegistryUrl(
  r: EnvReader,
  raw: string,
): { url: string; userInfo: { username: string; password: string } | undefined } | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    url = new URL('invalid:')
  }
  if (!/^https?:$/.test(url.protocol) || url.host === '') {
    r.fail(`SCHEMA_REGISTRY_URL: expected an http(s) URL, got ${JSON.stringify(redact(raw))}`)
    return undefined
  }
  if (url.username === '' && url.password === '') return { url: raw, userInfo: undefined }
  const userInfo = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
  url.username = ''
  url.password = ''
  // URL adds a `/` to a bare origin: keep the URL as written otherwise.
  return { url: raw.endsWith('/') ? url.href : url.href.replace(/\/$/, ''), userInfo }
}

/** A URL for a message, without its password. */
function redact(raw: string): string {
  return raw.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
}
