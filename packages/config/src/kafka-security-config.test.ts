import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { problemsOf } from '../test/problems.ts'
import { loadConfig } from './config.ts'

const dir = mkdtempSync(join(tmpdir(), 'adpulse-tls-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'
const ca = file('ca.pem', CERT)
const cert = file('client.pem', CERT)
const key = file('client.key', KEY)

describe('loadConfig: Kafka SASL', () => {
  it('has no SASL and no TLS by default', () => {
    expect(loadConfig({}).kafka.security).toEqual({ sasl: undefined, tls: undefined })
  })

  it('reads each mechanism, in any case, with its credentials', () => {
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'scram-sha-512']) {
      const config = loadConfig({
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: 'adpulse',
        KAFKA_SASL_PASSWORD: 's3cret',
      })
      expect(config.kafka.security.sasl).toEqual({
        mechanism: mechanism.toUpperCase(),
        username: 'adpulse',
        password: 's3cret',
      })
    }
  })

  it('names the missing credential, an unknown mechanism, and credentials without a mechanism', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'adpulse' })).toEqual([
      'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=SCRAM-SHA-512',
    ])
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'PLAIN' })).toEqual([
      'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM=PLAIN',
      'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=PLAIN',
    ])
    expect(
      problemsOf({ KAFKA_SASL_MECHANISM: 'GSSAPI', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b' }),
    ).toEqual(['KAFKA_SASL_MECHANISM: expected one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got "GSSAPI"'])
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b' })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_USERNAME: set, but KAFKA_SASL_MECHANISM is not/),
      expect.stringMatching(/^KAFKA_SASL_PASSWORD: set, but KAFKA_SASL_MECHANISM is not/),
    ])
  })
})

describe('loadConfig: Kafka TLS', () => {
  it('turns TLS on with Node’s CAs and hostname verification when only KAFKA_TLS is set', () => {
    expect(loadConfig({ KAFKA_TLS: 'true' }).kafka.security.tls).toEqual({
      ca: undefined,
      cert: undefined,
      key: undefined,
      verifyHostname: true,
    })
  })

  it('reads the CA, the client certificate and key at start, and the hostname opt-out', () => {
    const { tls } = loadConfig({
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: ca,
      KAFKA_TLS_CERT_FILE: cert,
      KAFKA_TLS_KEY_FILE: key,
      KAFKA_TLS_VERIFY_HOSTNAME: 'false',
    }).kafka.security
    expect(tls).toEqual({
      ca: { path: ca, pem: CERT },
      cert: { path: cert, pem: CERT },
      key: { path: key, pem: KEY },
      verifyHostname: false,
    })
  })

  it('names the variable of a missing, unreadable or wrong file', () => {
    const unreadable = file('unreadable.pem', CERT)
    chmodSync(unreadable, 0o000)
    const problems = problemsOf({
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: join(dir, 'missing.pem'),
      KAFKA_TLS_CERT_FILE: key,
      KAFKA_TLS_KEY_FILE: file('encrypted.key', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n'),
    })
    expect(problems).toEqual([
      `KAFKA_TLS_CA_FILE: cannot read ${join(dir, 'missing.pem')} (ENOENT)`,
      `KAFKA_TLS_CERT_FILE: ${key} holds no PEM certificate`,
      expect.stringMatching(/^KAFKA_TLS_KEY_FILE: .*encrypted\.key is an encrypted key/),
    ])
    // root reads any file whatever its mode: only when the mode is honoured is there a problem to name.
    const asRoot = process.getuid?.() === 0
    expect(problemsOf({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: unreadable })).toEqual(
      asRoot ? [] : [`KAFKA_TLS_CA_FILE: cannot read ${unreadable} (EACCES)`],
    )
  })

  it('refuses a certificate without its key, TLS files with TLS off, and a bad switch', () => {
    expect(problemsOf({ KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: cert })).toEqual([
      'KAFKA_TLS_KEY_FILE: required with KAFKA_TLS_CERT_FILE',
    ])
    expect(problemsOf({ KAFKA_TLS_CA_FILE: ca })).toEqual([
      'KAFKA_TLS_CA_FILE: set, but KAFKA_TLS is not true (the connection would not use TLS)',
    ])
    expect(problemsOf({ KAFKA_TLS: 'yes', KAFKA_TLS_VERIFY_HOSTNAME: 'no' })).toEqual([
      'KAFKA_TLS: expected one of true, false, got "yes"',
      'KAFKA_TLS_VERIFY_HOSTNAME: expected one of true, false, got "no"',
    ])
  })
})
