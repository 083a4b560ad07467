import { describe, expect, it } from 'vitest'
import { type KafkaTls, kafkaJsSecurity } from './security.ts'

const tls = (overrides: Partial<KafkaTls> = {}): KafkaTls => ({
  ca: undefined,
  cert: undefined,
  key: undefined,
  verifyHostname: true,
  ...overrides,
})

describe('kafkaJsSecurity', () => {
  it('gives kafkajs neither ssl nor sasl without security settings', () => {
    expect(kafkaJsSecurity(undefined)).toEqual({})
    expect(kafkaJsSecurity({ sasl: undefined, tls: undefined })).toEqual({})
  })

  it('maps each SASL mechanism to the kafkajs one, with the credentials', () => {
    const credentials = { username: 'adpulse', password: 's3cret' }
    expect(kafkaJsSecurity({ sasl: { mechanism: 'PLAIN', ...credentials }, tls: undefined })).toEqual({
      sasl: { mechanism: 'plain', ...credentials },
    })
    expect(
      kafkaJsSecurity({ sasl: { mechanism: 'SCRAM-SHA-256', ...credentials }, tls: undefined }).sasl,
    ).toEqual({
      mechanism: 'scram-sha-256',
      ...credentials,
    })
    expect(
      kafkaJsSecurity({ sasl: { mechanism: 'SCRAM-SHA-512', ...credentials }, tls: undefined }).sasl,
    ).toEqual({
      mechanism: 'scram-sha-512',
      ...credentials,
    })
  })

  it('turns TLS on with Node’s CAs, verifying the chain and the host name', () => {
    const { ssl, sasl } = kafkaJsSecurity({ sasl: undefined, tls: tls() })
    expect(ssl).toEqual({ rejectUnauthorized: true })
    expect(sasl).toBeUndefined()
  })

  it('passes the CA, the client certificate and key as PEM text', () => {
    const { ssl } = kafkaJsSecurity({
      sasl: undefined,
      tls: tls({ ca: { pem: 'CA' }, cert: { pem: 'CERT' }, key: { pem: 'KEY' } }),
    })
    expect(ssl).toEqual({ rejectUnauthorized: true, ca: 'CA', cert: 'CERT', key: 'KEY' })
  })

  it('skips only the host name check when verification is opted out, never the chain', () => {
    const { ssl } = kafkaJsSecurity({ sasl: undefined, tls: tls({ verifyHostname: false }) })
    expect(ssl?.rejectUnauthorized).toBe(true)
    expect(ssl?.checkServerIdentity?.('elsewhere.example.com', {} as never)).toBeUndefined()
  })

  it('combines SASL and TLS (a SASL_SSL listener)', () => {
    const options = kafkaJsSecurity({
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' },
      tls: tls({ ca: { pem: 'CA' } }),
    })
    expect(options).toEqual({
      ssl: { rejectUnauthorized: true, ca: 'CA' },
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
    })
  })
})
