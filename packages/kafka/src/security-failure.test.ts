import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { connectFailure } from './admin.ts'
import { KafkaAdapterError } from './errors.ts'
import { securityFailureOf } from './security-failure.ts'

/** kafkajs's own error as its SASL authenticators throw it (its typings declare no constructor argument). */
const saslError = (message: string): Error =>
  new (KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error)(message)

/** What kafkajs throws after retrying a TLS failure: the last connection error, carrying Node's code. */
function retriedTlsFailure(code: string, message: string): Error {
  const connection = new KafkaJSConnectionError(`Connection error: ${message}`, {
    broker: '127.0.0.1:9094',
    code,
  })
  return new KafkaJSNumberOfRetriesExceeded(connection, { retryCount: 8, retryTime: 5000 })
}

describe('securityFailureOf', () => {
  it('finds a refused SASL login', () => {
    const err = saslError('SASL SCRAM SHA512 authentication failed: Authentication failed')
    expect(securityFailureOf(err)).toEqual({
      kind: 'sasl',
      detail: 'SASL SCRAM SHA512 authentication failed: Authentication failed',
    })
  })

  it('tells the TLS failures apart by Node’s code, with the broker, through the retries', () => {
    const cases = [
      ['SELF_SIGNED_CERT_IN_CHAIN', 'untrusted'],
      ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'untrusted'],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'untrusted'],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'hostname'],
      ['CERT_HAS_EXPIRED', 'expired'],
      ['ERR_SSL_WRONG_VERSION_NUMBER', 'not-tls'],
      ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'refused-by-broker'],
      ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'refused-by-broker'],
    ] as const
    for (const [code, reason] of cases) {
      expect(securityFailureOf(retriedTlsFailure(code, 'x')), code).toEqual({
        kind: 'tls',
        reason,
        broker: '127.0.0.1:9094',
        detail: 'Connection error: x',
      })
    }
  })

  it('leaves every other failure alone', () => {
    expect(securityFailureOf(retriedTlsFailure('ECONNREFUSED', 'connect ECONNREFUSED'))).toBeUndefined()
    expect(securityFailureOf(new Error('boom'))).toBeUndefined()
    expect(securityFailureOf('text')).toBeUndefined()
    expect(securityFailureOf(undefined)).toBeUndefined()
  })
})

describe('connectFailure', () => {
  it('reports refused credentials and certificates as not retriable, anything else as CONNECT_FAILED', () => {
    const sasl = connectFailure(saslError('SASL PLAIN: Invalid username or password'))
    expect(sasl).toMatchObject({ code: 'AUTH_FAILED', retriable: false })
    const tls = connectFailure(
      retriedTlsFailure('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in chain'),
    )
    expect(tls).toMatchObject({ code: 'TLS_FAILED', retriable: false, broker: '127.0.0.1:9094' })
    expect(connectFailure(retriedTlsFailure('ECONNREFUSED', 'refused'))).toMatchObject({
      code: 'CONNECT_FAILED',
      retriable: true,
    })
    const probe = new KafkaAdapterError('TLS_FAILED', 'handshake failed', false)
    expect(connectFailure(probe)).toBe(probe)
  })
})
