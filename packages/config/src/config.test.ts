import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.ts'
import { ConfigError } from './env-reader.ts'

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  return []
}

describe('loadConfig', () => {
  it('has working defaults for the embedded quick start', () => {
    const config = loadConfig({})
    expect(config.server.port).toBe(8080)
    expect(config.kafka.brokers).toBeUndefined()
    expect(config.kafka.topics).toEqual({
      events: 'adpulse.events.v1',
      dlq: 'adpulse.events.dlq.v1',
      signals: 'adpulse.signals.v1',
    })
    expect(config.clickhouse.url).toBeUndefined()
    expect([...config.ingest.keys]).toEqual([['adpulse-dev-key', 'demo']])
    expect(config.ingest.allowedLatenessMs).toBe(7 * 86_400_000)
    expect(config.alerter).toMatchObject({ cutBelowRoi: 0, scaleAboveRoi: 1, minSpendMicros: 10_000_000n })
  })

  it('reads every kind of value', () => {
    const config = loadConfig({
      ADPULSE_PORT: '9000',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      CLICKHOUSE_URL: 'http://ch:8123',
      ADPULSE_INGEST_KEYS: 'google:key-aaaaaaaa,meta:key-bbbbbbbb',
      ADPULSE_ALERTER_WINDOW: '15m',
      ADPULSE_MIN_SPEND_MICROS: '123456789012345678901',
    })
    expect(config.server.port).toBe(9000)
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092'])
    expect(config.clickhouse.url).toBe('http://ch:8123')
    expect(config.ingest.keys.get('key-bbbbbbbb')).toBe('meta')
    expect(config.alerter.windowMs).toBe(900_000)
    expect(config.alerter.minSpendMicros).toBe(123456789012345678901n)
  })

  it('lists every bad value, each naming its variable', () => {
    const problems = problemsOf({
      ADPULSE_PORT: 'eighty',
      KAFKA_BROKERS: 'nohost',
      CLICKHOUSE_URL: 'ch:8123',
      ADPULSE_ALERTER_INTERVAL: 'soon',
      ADPULSE_REPORTING_CURRENCY: 'usd',
      LOG_LEVEL: 'loud',
    })
    expect(problems).toHaveLength(6)
    for (const name of [
      'ADPULSE_PORT',
      'KAFKA_BROKERS',
      'CLICKHOUSE_URL',
      'ADPULSE_ALERTER_INTERVAL',
      'ADPULSE_REPORTING_CURRENCY',
      'LOG_LEVEL',
    ]) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true)
    }
  })

  it('refuses thresholds that could cut and scale at once, and short keys', () => {
    expect(problemsOf({ ADPULSE_CUT_BELOW_ROI: '1', ADPULSE_SCALE_ABOVE_ROI: '0.5' })).toEqual([
      expect.stringMatching(/^ADPULSE_CUT_BELOW_ROI:/),
    ])
    expect(problemsOf({ ADPULSE_INGEST_KEYS: 'google:short' })).toEqual([
      expect.stringMatching(/^ADPULSE_INGEST_KEYS: key for source "google"/),
    ])
  })

  it('requires real ingest keys in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^ADPULSE_INGEST_KEYS: required/),
    ])
  })
})
