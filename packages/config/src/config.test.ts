import { describe, expect, it } from 'vitest'
import { problemsOf } from '../test/problems.ts'
import { loadConfig } from './config.ts'

describe('loadConfig', () => {
  it('has working defaults for the embedded quick start', () => {
    const config = loadConfig({})
    expect(config.server.port).toBe(8080)
    expect(config.kafka.brokers).toBeUndefined()
    expect(config.kafka.topics).toEqual({
      events: 'adpulse.events.v1',
      dlq: 'adpulse.events.dlq.v1',
      signals: 'adpulse.signals.v1',
      audiences: 'adpulse.audiences.v1',
      alerterLease: 'adpulse.alerter.lease.v1',
    })
    expect(config.clickhouse.url).toBeUndefined()
    expect([...config.ingest.keys]).toEqual([['adpulse-dev-key', 'demo']])
    expect(config.contract.allowedLatenessMs).toBe(7 * 86_400_000)
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

  it('requires real ingest, read and admin keys in production', () => {
    expect(problemsOf({ NODE_ENV: 'production', KAFKA_BROKERS: 'kafka:9092' })).toEqual([
      expect.stringMatching(/^ADPULSE_INGEST_KEYS: required/),
      expect.stringMatching(/^ADPULSE_READ_KEYS: required/),
      expect.stringMatching(/^ADPULSE_ADMIN_KEYS: required/),
    ])
  })
})

describe('loadConfig: ingest replicas', () => {
  it('refuses a dedup horizon that a replay within the signature tolerance could outlast', () => {
    expect(problemsOf({ ADPULSE_DEDUP_HORIZON: '10m', ADPULSE_INGEST_SIGNATURE_TOLERANCE: '5m' })).toEqual([
      expect.stringMatching(
        /^ADPULSE_DEDUP_HORIZON: must be more than twice ADPULSE_INGEST_SIGNATURE_TOLERANCE/,
      ),
    ])
    expect(problemsOf({ ADPULSE_DEDUP_HORIZON: '11m', ADPULSE_INGEST_SIGNATURE_TOLERANCE: '5m' })).toEqual([])
  })
})

describe('loadConfig: production', () => {
  const productionKeys = {
    NODE_ENV: 'production',
    ADPULSE_INGEST_KEYS: 'ops:key-aaaaaaaa',
    ADPULSE_READ_KEYS: 'bi:read-key-aaaaaaaa',
    ADPULSE_ADMIN_KEYS: 'ops:admin-aaaaaaaa',
  }

  it('requires KAFKA_BROKERS instead of starting a local broker', () => {
    expect(problemsOf(productionKeys)).toEqual([
      'KAFKA_BROKERS: required when NODE_ENV=production (comma-separated host:port); the local broker is for development only',
    ])
    expect(problemsOf({ ...productionKeys, KAFKA_BROKERS: ' , ' })).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS: required when NODE_ENV=production/),
    ])
    expect(problemsOf({ NODE_ENV: 'production' }).map((p) => p.split(':')[0])).toEqual([
      'KAFKA_BROKERS',
      'ADPULSE_INGEST_KEYS',
      'ADPULSE_READ_KEYS',
      'ADPULSE_ADMIN_KEYS',
    ])
  })

  it('starts with brokers and keys, ClickHouse embedded or not', () => {
    const config = loadConfig({ ...productionKeys, KAFKA_BROKERS: 'k1:9092,k2:9092' })
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092'])
    expect(config.clickhouse.url).toBeUndefined()
  })

  it('leaves KAFKA_BROKERS optional outside production', () => {
    expect(problemsOf({ NODE_ENV: 'development' })).toEqual([])
    expect(loadConfig({ NODE_ENV: 'test' }).kafka.brokers).toBeUndefined()
  })
})

describe('loadConfig: scaling out', () => {
  it('reads the ClickHouse cluster and the cap on channel labels', () => {
    const config = loadConfig({
      CLICKHOUSE_URL: 'http://ch:8123',
      CLICKHOUSE_CLUSTER: 'adpulse_cluster',
      ADPULSE_METRICS_MAX_CHANNELS: '80',
    })
    expect(config.clickhouse.cluster).toBe('adpulse_cluster')
    expect(config.processor.metricsMaxChannels).toBe(80)
    expect(loadConfig({}).clickhouse.cluster).toBeUndefined()
    expect(loadConfig({}).processor.metricsMaxChannels).toBe(50)
  })

  it('refuses a cluster without a server, and a cap of no channels', () => {
    expect(problemsOf({ CLICKHOUSE_CLUSTER: 'adpulse_cluster', ADPULSE_METRICS_MAX_CHANNELS: '0' })).toEqual([
      'CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL (embedded chDB is a single server)',
      expect.stringMatching(/^ADPULSE_METRICS_MAX_CHANNELS: expected an integer in \[1, 1000\]/),
    ])
  })
})

describe('loadConfig: ingest front door', () => {
  it('has sensible defaults for limits, rate, signatures, buffering and the producer', () => {
    const { contract, ingest, kafka, schemaRegistry } = loadConfig({})
    expect(contract).toMatchObject({ maxIdLength: 128, maxActionLength: 64 })
    expect(ingest).toMatchObject({
      keysFile: undefined,
      maxBodyBytes: 5 * 1024 * 1024,
      maxInflatedBytes: 20 * 1024 * 1024,
      maxEventsPerRequest: 10_000,
      requestTimeoutMs: 10_000,
      maxBufferedBytes: 64 * 1024 * 1024,
      rateLimitPerSecond: 50_000,
      rateBurst: 100_000,
      signatures: 'optional',
      signatureToleranceMs: 300_000,
    })
    expect(kafka.producer).toEqual({
      compression: 'gzip',
      retries: 5,
      lingerMs: 2,
      maxBatchBytes: 1024 * 1024,
    })
    expect(schemaRegistry.url).toBeUndefined()
  })

  it('takes keys from a key file alone, without the development key', () => {
    const config = loadConfig({ ADPULSE_INGEST_KEYS_FILE: '/etc/adpulse/keys' })
    expect(config.ingest.keysFile).toBe('/etc/adpulse/keys')
    expect(config.ingest.keys.size).toBe(0)
    expect(
      problemsOf({
        NODE_ENV: 'production',
        KAFKA_BROKERS: 'kafka:9092',
        ADPULSE_INGEST_KEYS_FILE: '/etc/adpulse/keys',
        ADPULSE_READ_KEYS: 'bi:read-key-aaaaaaaa',
        ADPULSE_ADMIN_KEYS: 'ops:admin-aaaaaaaa',
      }),
    ).toEqual([])
  })

  it('names every bad front-door variable', () => {
    const problems = problemsOf({
      ADPULSE_INGEST_RATE_LIMIT: '100',
      ADPULSE_INGEST_RATE_BURST: '50',
      ADPULSE_INGEST_SIGNATURES: 'sometimes',
      ADPULSE_INGEST_REQUEST_TIMEOUT: '10ms',
      KAFKA_COMPRESSION: 'brotli',
      SCHEMA_REGISTRY_URL: 'registry:8081',
    })
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ADPULSE_INGEST_RATE_BURST',
      'ADPULSE_INGEST_REQUEST_TIMEOUT',
      'ADPULSE_INGEST_SIGNATURES',
      'KAFKA_COMPRESSION',
      'SCHEMA_REGISTRY_URL',
    ])
  })

  it('reads the ingest worker threads: auto from the cores (1 to 4), a count, or 0', () => {
    const auto = loadConfig({}).ingest.workers
    expect(auto).toBeGreaterThanOrEqual(1)
    expect(auto).toBeLessThanOrEqual(4)
    expect(loadConfig({ ADPULSE_INGEST_WORKERS: '0' }).ingest.workers).toBe(0)
    expect(loadConfig({ ADPULSE_INGEST_WORKERS: '3' }).ingest.workers).toBe(3)
    for (const bad of ['-1', 'many', '65', '1.5']) {
      expect(problemsOf({ ADPULSE_INGEST_WORKERS: bad }).map((p) => p.split(':')[0])).toEqual([
        'ADPULSE_INGEST_WORKERS',
      ])
    }
  })

  it('turns the rate limit off at 0, whatever the burst', () => {
    expect(problemsOf({ ADPULSE_INGEST_RATE_LIMIT: '0' })).toEqual([])
    expect(loadConfig({ ADPULSE_INGEST_RATE_LIMIT: '0' }).ingest.rateLimitPerSecond).toBe(0)
  })

  it('reads how exchange rates are refreshed, and refuses a refresh under a second', () => {
    expect(loadConfig({}).processor).toMatchObject({ ratesRefreshMs: 60_000, ratesFile: undefined })
    expect(
      loadConfig({ ADPULSE_RATES_REFRESH: '5m', ADPULSE_RATES_FILE: 'deploy/rates.yaml' }).processor,
    ).toMatchObject({ ratesRefreshMs: 300_000, ratesFile: 'deploy/rates.yaml' })
    expect(problemsOf({ ADPULSE_RATES_REFRESH: '500ms' })).toEqual([
      'ADPULSE_RATES_REFRESH: must be at least 1s',
    ])
  })
})

describe('loadConfig: audiences and admin keys', () => {
  it('has no audiences file and the development admin key by default', () => {
    const config = loadConfig({})
    expect(config.audiences.file).toBeUndefined()
    expect(config.audiences.publishIntervalMs).toBe(10_000)
    expect([...config.admin.keys]).toEqual([['adpulse-dev-admin-key', 'admin']])
  })

  it('reads admin keys as name:key pairs, as the ingest keys are read', () => {
    const config = loadConfig({
      ADPULSE_ADMIN_KEYS: 'dpo:secret-one-1, ops:secret-two-2',
      ADPULSE_AUDIENCES_FILE: 'a.yaml',
    })
    expect([...config.admin.keys]).toEqual([
      ['secret-one-1', 'dpo'],
      ['secret-two-2', 'ops'],
    ])
    expect(config.audiences.file).toBe('a.yaml')
    expect(problemsOf({ ADPULSE_ADMIN_KEYS: 'dpo:short' })).toEqual([
      'ADPULSE_ADMIN_KEYS: key for name "dpo" is shorter than 8 characters',
    ])
  })

  it('requires admin keys in production', () => {
    expect(
      problemsOf({
        NODE_ENV: 'production',
        KAFKA_BROKERS: 'kafka:9092',
        ADPULSE_INGEST_KEYS: 'ops:key-aaaaaaaa',
        ADPULSE_READ_KEYS: 'bi:read-key-aaaaaaaa',
      }),
    ).toEqual([expect.stringMatching(/^ADPULSE_ADMIN_KEYS: required when NODE_ENV=production/)])
  })
})
