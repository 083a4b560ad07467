import { describe, expect, it } from 'vitest'
import { problemsOf } from '../test/problems.ts'
import { loadConfig } from './config.ts'

const production = {
  NODE_ENV: 'production',
  KAFKA_BROKERS: 'kafka:9092',
  ADPULSE_INGEST_KEYS: 'ops:ingest-key-aaaaaaaa',
  ADPULSE_ADMIN_KEYS: 'ops:admin-key-aaaaaaaa',
}

describe('ADPULSE_READ_KEYS', () => {
  it('has the development read key by default, a key of its own', () => {
    const config = loadConfig({})
    expect([...config.readApi.keys]).toEqual([['adpulse-dev-read-key', 'demo']])
    expect(config.ingest.keys.has('adpulse-dev-read-key')).toBe(false)
  })

  it('reads name:key pairs as ADPULSE_INGEST_KEYS does, a bare key named by its place', () => {
    const config = loadConfig({ ADPULSE_READ_KEYS: 'grafana:read-key-aaaaaaaa, read-key-bbbbbbbb' })
    expect([...config.readApi.keys]).toEqual([
      ['read-key-aaaaaaaa', 'grafana'],
      ['read-key-bbbbbbbb', 'key2'],
    ])
  })

  it('refuses a key shorter than 8 characters, naming the variable and the name', () => {
    expect(problemsOf({ ADPULSE_READ_KEYS: 'grafana:short' })).toEqual([
      'ADPULSE_READ_KEYS: key for name "grafana" is shorter than 8 characters',
    ])
  })

  it('refuses a key that is also an ingest key: a key reads or writes, never both', () => {
    expect(
      problemsOf({ ADPULSE_INGEST_KEYS: 'web:shared-key-0000', ADPULSE_READ_KEYS: 'bi:shared-key-0000' }),
    ).toEqual([expect.stringMatching(/^ADPULSE_READ_KEYS: the key of "bi" is also an ingest key/)])
  })

  it('is required with NODE_ENV=production: the development key is never used there', () => {
    expect(problemsOf(production)).toEqual([
      'ADPULSE_READ_KEYS: required when NODE_ENV=production (comma-separated name:key pairs)',
    ])
    expect(problemsOf({ ...production, ADPULSE_READ_KEYS: ' , ' })).toEqual([
      expect.stringMatching(/^ADPULSE_READ_KEYS: required when NODE_ENV=production/),
    ])
    expect(problemsOf({ ...production, ADPULSE_READ_KEYS: 'bi:short' })).toEqual([
      expect.stringMatching(/^ADPULSE_READ_KEYS: key for name "bi" is shorter/),
    ])
    const config = loadConfig({ ...production, ADPULSE_READ_KEYS: 'bi:read-key-aaaaaaaa' })
    expect([...config.readApi.keys]).toEqual([['read-key-aaaaaaaa', 'bi']])
  })
})

describe('the rules both key variables share (named-keys.ts)', () => {
  it('never falls back to a development key in production, even for a value of only commas', () => {
    const readKeys = { ADPULSE_READ_KEYS: 'bi:read-key-aaaaaaaa' }
    expect(problemsOf({ ...production, ...readKeys, ADPULSE_INGEST_KEYS: ' , ' })).toEqual([
      'ADPULSE_INGEST_KEYS: required when NODE_ENV=production (comma-separated source:key pairs), or ADPULSE_INGEST_KEYS_FILE',
    ])
    expect(problemsOf({ ...production, ...readKeys, ADPULSE_INGEST_KEYS: 'web:short' })).toEqual([
      'ADPULSE_INGEST_KEYS: key for source "web" is shorter than 8 characters',
    ])
  })
})

describe('ADPULSE_METRICS_HOST / ADPULSE_METRICS_PORT', () => {
  it('serves /metrics and the health routes on the API port by default', () => {
    expect(loadConfig({}).server.metrics).toBeUndefined()
  })

  it('gives them a listener of their own, on ADPULSE_HOST unless ADPULSE_METRICS_HOST is set', () => {
    expect(loadConfig({ ADPULSE_HOST: '10.0.0.5', ADPULSE_METRICS_PORT: '9464' }).server.metrics).toEqual({
      host: '10.0.0.5',
      port: 9464,
    })
    expect(
      loadConfig({ ADPULSE_METRICS_HOST: '127.0.0.1', ADPULSE_METRICS_PORT: '9464' }).server.metrics,
    ).toEqual({ host: '127.0.0.1', port: 9464 })
  })

  it('refuses a host without a port, a bad port, and the API port itself', () => {
    expect(problemsOf({ ADPULSE_METRICS_HOST: '127.0.0.1' })).toEqual([
      'ADPULSE_METRICS_HOST: set without ADPULSE_METRICS_PORT',
    ])
    expect(problemsOf({ ADPULSE_METRICS_PORT: 'nine' })).toEqual([
      'ADPULSE_METRICS_PORT: expected an integer, got "nine"',
    ])
    expect(problemsOf({ ADPULSE_METRICS_PORT: '70000' })).toEqual([
      expect.stringMatching(/^ADPULSE_METRICS_PORT: expected an integer in \[0, 65535\]/),
    ])
    expect(problemsOf({ ADPULSE_PORT: '9000', ADPULSE_METRICS_PORT: '9000' })).toEqual([
      expect.stringMatching(/^ADPULSE_METRICS_PORT: must differ from ADPULSE_PORT \(9000\)/),
    ])
    // Port 0 twice is two free ports.
    expect(problemsOf({ ADPULSE_PORT: '0', ADPULSE_METRICS_PORT: '0' })).toEqual([])
  })
})
