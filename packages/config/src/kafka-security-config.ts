import { readFileSync } from 'node:fs'
import type { EnvReader } from './env-reader.ts'

/** The SASL mechanisms adpulse speaks, as Kafka names them. */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const
export type SaslMechanism = (typeof SASL_MECHANISMS)[number]

export interface KafkaSaslConfig {
  /** `KAFKA_SASL_MECHANISM`, unset by default (no SASL): PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
  mechanism: SaslMechanism
  /** `KAFKA_SASL_USERNAME`, required with a mechanism. */
  username: string
  /** `KAFKA_SASL_PASSWORD`, required with a mechanism. PLAIN sends it as is: use it over TLS only. */
  password: string
}

/** A PEM file read at start: its path for messages, its text for the TLS context. */
export interface PemFile {
  path: string
  pem: string
}

export interface KafkaTlsConfig {
  /** `KAFKA_TLS_CA_FILE`, unset by default: the CA certificates (PEM) the brokers' certificates are checked against; unset: Node's trusted CAs. */
  ca: PemFile | undefined
  /** `KAFKA_TLS_CERT_FILE`, unset by default: the client certificate (PEM) for brokers that require one (mutual TLS); needs the key. */
  cert: PemFile | undefined
  /** `KAFKA_TLS_KEY_FILE`, unset by default: the client certificate's private key (PEM, unencrypted). */
  key: PemFile | undefined
  /**
   * `KAFKA_TLS_VERIFY_HOSTNAME`, default true: the broker's certificate must name
   * the host connected to. `false` still checks the chain against the CA but
   * lets any trusted certificate stand for any broker (a man in the middle with
   * a certificate from the same CA goes unnoticed): for brokers reached by an
   * address their certificates do not name, and nothing else.
   */
  verifyHostname: boolean
}

export interface KafkaSecurityConfig {
  /** Undefined: no SASL (the listener is PLAINTEXT or SSL). */
  sasl: KafkaSaslConfig | undefined
  /** `KAFKA_TLS`, default false: connect to the brokers over TLS. Undefined: plain TCP. */
  tls: KafkaTlsConfig | undefined
}

/** SASL and TLS of every Kafka connection; each file is read here, so a missing one stops the start naming its variable. */
export function readKafkaSecurity(r: EnvReader): KafkaSecurityConfig {
  return { sasl: readSasl(r), tls: readTls(r) }
}

function readSasl(r: EnvReader): KafkaSaslConfig | undefined {
  const mechanism = r.optionalString('KAFKA_SASL_MECHANISM')?.toUpperCase()
  const username = r.optionalString('KAFKA_SASL_USERNAME')
  const password = r.optionalString('KAFKA_SASL_PASSWORD')
  if (mechanism === undefined) {
    for (const [name, value] of [
      ['KAFKA_SASL_USERNAME', username],
      ['KAFKA_SASL_PASSWORD', password],
    ] as const) {
      if (value !== undefined)
        r.fail(`${name}: set, but KAFKA_SASL_MECHANISM is not (the credentials would not be used)`)
    }
    return undefined
  }
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    r.fail(
      `KAFKA_SASL_MECHANISM: expected one of ${SASL_MECHANISMS.join(', ')}, got ${JSON.stringify(mechanism)}`,
    )
    return undefined
  }
  if (username === undefined) r.fail(`KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM=${mechanism}`)
  if (password === undefined) r.fail(`KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=${mechanism}`)
  if (username === undefined || password === undefined) return undefined
  return { mechanism: mechanism as SaslMechanism, username, password }
}

function readTls(r: EnvReader): KafkaTlsConfig | undefined {
  const enabled = r.oneOf('KAFKA_TLS', ['true', 'false'] as const, 'false') === 'true'
  const ca = readPemFile(r, 'KAFKA_TLS_CA_FILE', 'CERTIFICATE')
  const cert = readPemFile(r, 'KAFKA_TLS_CERT_FILE', 'CERTIFICATE')
  const key = readPemFile(r, 'KAFKA_TLS_KEY_FILE', 'PRIVATE KEY')
  const verifyHostname = r.oneOf('KAFKA_TLS_VERIFY_HOSTNAME', ['true', 'false'] as const, 'true') === 'true'
  if (!enabled) {
    // A CA or client certificate given while TLS is off would silently connect in the clear.
    for (const [name, file] of [
      ['KAFKA_TLS_CA_FILE', ca],
      ['KAFKA_TLS_CERT_FILE', cert],
      ['KAFKA_TLS_KEY_FILE', key],
    ] as const) {
      if (file !== undefined)
        r.fail(`${name}: set, but KAFKA_TLS is not true (the connection would not use TLS)`)
    }
    return undefined
  }
  if (cert !== undefined && key === undefined) r.fail('KAFKA_TLS_KEY_FILE: required with KAFKA_TLS_CERT_FILE')
  if (key !== undefined && cert === undefined) r.fail('KAFKA_TLS_CERT_FILE: required with KAFKA_TLS_KEY_FILE')
  return { ca, cert, key, verifyHostname }
}

/** The file a variable names, read now; unreadable or not PEM of the expected kind is a problem naming the variable. */
function readPemFile(r: EnvReader, name: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): PemFile | undefined {
  const path = r.optionalString(name)
  if (path === undefined) return undefined
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : String(err)
    r.fail(`${name}: cannot read ${path} (${reason})`)
    return undefined
  }
  // `BEGIN CERTIFICATE`, `BEGIN PRIVATE KEY`, `BEGIN RSA PRIVATE KEY`, `BEGIN EC PRIVATE KEY`.
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(pem)) {
    r.fail(`${name}: ${path} holds no PEM ${kind === 'CERTIFICATE' ? 'certificate' : 'private key'}`)
    return undefined
  }
  if (kind === 'PRIVATE KEY' && pem.includes('ENCRYPTED')) {
    r.fail(`${name}: ${path} is an encrypted key; give the key unencrypted (readable by the service only)`)
    return undefined
  }
  return { path, pem }
}
