import { loadConfig } from '@adpulse/config'
import { KafkaAdapterError } from '@adpulse/kafka'
import { SchemaRegistryError } from '@adpulse/schema-registry'
import { describe, expect, it } from 'vitest'
import { describeRefusal } from './connection-refusals.ts'

const scram = loadConfig({
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_SASL_USERNAME: 'adpulse',
  KAFKA_SASL_PASSWORD: 'wrong',
  KAFKA_TLS: 'true',
})
/** Shaped as kafkajs throws them (the runtime never imports kafkajs: @adpulse/kafka's own tests use the real classes). */
const saslError = (message: string): Error =>
  Object.assign(new Error(message), { name: 'KafkaJSSASLAuthenticationError' })
const tlsError = (code: string, message: string): Error =>
  new KafkaAdapterError('TLS_FAILED', 'TLS with Kafka failed', false, {
    cause: Object.assign(new Error(`Connection error: ${message}`), {
      name: 'KafkaJSConnectionError',
      broker: 'localhost:9094',
      code,
    }),
  })

describe('describeRefusal', () => {
  it('names the SASL variables and the mechanism of refused credentials', () => {
    const err = new KafkaAdapterError('AUTH_FAILED', 'Kafka refused the SASL login', false, {
      cause: saslError('SASL SCRAM SHA512 authentication failed: Authentication failed'),
    })
    expect(describeRefusal(err, scram)).toBe(
      'Kafka refused the SASL credentials (KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD, mechanism SCRAM-SHA-512, KAFKA_SASL_MECHANISM): SASL SCRAM SHA512 authentication failed: Authentication failed',
    )
  })

  it('names the TLS setting behind each kind of certificate failure', () => {
    const expectations = [
      [
        'SELF_SIGNED_CERT_IN_CHAIN',
        /^TLS: certificate of localhost:9094 not trusted \(KAFKA_TLS_CA_FILE unset/,
      ],
      [
        'ERR_TLS_CERT_ALTNAME_INVALID',
        /^TLS: certificate of localhost:9094 does not name that host \(KAFKA_BROKERS; KAFKA_TLS_VERIFY_HOSTNAME=false/,
      ],
      ['CERT_HAS_EXPIRED', /^TLS: certificate of localhost:9094 is expired or not yet valid/],
      [
        'ERR_SSL_WRONG_VERSION_NUMBER',
        /^TLS: localhost:9094 does not answer TLS on that port \(KAFKA_TLS=true/,
      ],
      [
        'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
        /^TLS: localhost:9094 refused the handshake.*\(KAFKA_TLS_CERT_FILE unset, KAFKA_TLS_KEY_FILE\)/,
      ],
    ] as const
    for (const [code, message] of expectations) {
      expect(describeRefusal(tlsError(code, 'detail'), scram), code).toMatch(message)
    }
  })

  it('names the registry credentials in force', () => {
    const refused = new SchemaRegistryError(
      'UNAUTHORIZED',
      '/subjects/x-value/versions: 401 Unauthorized',
      false,
    )
    const basic = loadConfig({ SCHEMA_REGISTRY_URL: 'http://u:p@registry:8081' })
    expect(describeRefusal(refused, basic)).toBe(
      'the schema registry refused the credentials (SCHEMA_REGISTRY_USERNAME / SCHEMA_REGISTRY_PASSWORD, or the user in SCHEMA_REGISTRY_URL): /subjects/x-value/versions: 401 Unauthorized',
    )
    const token = loadConfig({ SCHEMA_REGISTRY_URL: 'http://registry:8081', SCHEMA_REGISTRY_TOKEN: 't' })
    expect(describeRefusal(refused, token)).toMatch(
      /^the schema registry refused the credentials \(SCHEMA_REGISTRY_TOKEN\)/,
    )
    expect(describeRefusal(refused, loadConfig({ SCHEMA_REGISTRY_URL: 'http://registry:8081' }))).toMatch(
      /\(no credentials set: SCHEMA_REGISTRY_USERNAME/,
    )
  })

  it('leaves a broker that is merely unreachable to the usual report', () => {
    expect(describeRefusal(tlsError('ECONNREFUSED', 'connect ECONNREFUSED'), scram)).toBeUndefined()
    expect(describeRefusal(new SchemaRegistryError('UNREACHABLE', 'down', true), scram)).toBeUndefined()
  })
})
