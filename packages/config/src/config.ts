import { fileURLToPath } from 'node:url'
import { ConfigError, type Env, EnvReader } from './env-reader.ts'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export interface ServerConfig {
  /** `ADPULSE_PORT`, default 8080: the one HTTP port of a service (all routes, /metrics, /healthz, /readyz). */
  port: number
  /** `ADPULSE_HOST`, default 0.0.0.0. */
  host: string
}

export interface KafkaTopics {
  /** `ADPULSE_TOPIC_EVENTS`, default `adpulse.events.v1`: accepted events, Avro, keyed by campaign_id. */
  events: string
  /** `ADPULSE_TOPIC_DLQ`, default `adpulse.events.dlq.v1`: rejected input with its reason, keyed by source. */
  dlq: string
  /** `ADPULSE_TOPIC_SIGNALS`, default `adpulse.signals.v1`: CUT/SCALE signals, Avro, keyed by entity. */
  signals: string
}

export interface KafkaConfig {
  /**
   * `KAFKA_BROKERS`, comma-separated host:port. Unset: the all-in-one entry
   * starts the project's local broker (deploy/local/kafka.sh) and stops it on exit.
   */
  brokers: string[] | undefined
  /** `KAFKA_CLIENT_ID`, default `adpulse`. */
  clientId: string
  topics: KafkaTopics
  /** `ADPULSE_EVENTS_PARTITIONS`, default 3: partitions of the topics adpulse creates (the unit of processor scale-out). */
  partitions: number
  /** `ADPULSE_REPLICATION_FACTOR`, default 1: use 3 on a production cluster, with min.insync.replicas=2. */
  replicationFactor: number
}

export interface ClickHouseConfig {
  /** `CLICKHOUSE_URL`, e.g. http://localhost:8123. Unset: embedded ClickHouse through chDB. */
  url: string | undefined
  /** `CLICKHOUSE_USER`, default `default`. */
  user: string
  /** `CLICKHOUSE_PASSWORD`, default empty. */
  password: string
  /** `CLICKHOUSE_DATABASE`, default `adpulse`: created by the migrations when missing. */
  database: string
  /**
   * `ADPULSE_CHDB_PATH`, default `.local/chdb`: data directory of the embedded
   * ClickHouse. chDB allows one data directory per process, so in embedded mode
   * the services must run together in one process (the all-in-one entry).
   */
  chdbPath: string
}

export interface IngestConfig {
  /**
   * `ADPULSE_INGEST_KEYS`, comma-separated `source:key` pairs (a bare `key` gets
   * the source `key<N>`). Required when NODE_ENV=production; otherwise defaults to
   * the development key `demo:adpulse-dev-key`.
   */
  keys: ReadonlyMap<string, string>
  /** `ADPULSE_INGEST_MAX_BODY_BYTES`, default 5 MiB: larger bodies get 413. */
  maxBodyBytes: number
  /** `ADPULSE_INGEST_MAX_EVENTS`, default 10000: events per request. */
  maxEventsPerRequest: number
  /** `ADPULSE_ALLOWED_LATENESS`, default 7d: older events are rejected to the dead-letter topic. */
  allowedLatenessMs: number
  /** `ADPULSE_MAX_CLOCK_SKEW`, default 5m: events further in the future are rejected. */
  maxClockSkewMs: number
}

export interface ProcessorConfig {
  /** `ADPULSE_PROCESSOR_GROUP`, default `adpulse-processor`: the consumer group of all processor instances. */
  groupId: string
  /** `ADPULSE_PRICING_FILE`, default deploy/pricing.json: the channel and campaign pricing models. */
  pricingFile: string
}

export interface AlerterConfig {
  /** `ADPULSE_ALERTER_INTERVAL`, default 15s: how often the rules are evaluated. */
  intervalMs: number
  /** `ADPULSE_ALERTER_WINDOW`, default 1h: the rolling window the ROI rule looks at. */
  windowMs: number
  /** `ADPULSE_CUT_BELOW_ROI`, default 0: a channel whose ROI is below this is cut. */
  cutBelowRoi: number
  /** `ADPULSE_SCALE_ABOVE_ROI`, default 1: a channel whose ROI is above this is scaled. */
  scaleAboveRoi: number
  /** `ADPULSE_MIN_SPEND_MICROS`, default 10000000 (10 units): no decision on less evidence. */
  minSpendMicros: bigint
}

export interface AdpulseConfig {
  server: ServerConfig
  kafka: KafkaConfig
  clickhouse: ClickHouseConfig
  ingest: IngestConfig
  processor: ProcessorConfig
  alerter: AlerterConfig
  /** `ADPULSE_REPORTING_CURRENCY`, default USD: the currency all money is reported in. */
  reportingCurrency: string
  /** `LOG_LEVEL`, default info. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
}

const DEV_KEYS = 'demo:adpulse-dev-key'

/**
 * Reads and validates the whole configuration once. Throws a ConfigError that
 * lists every problem, each naming its variable; nothing else reads process.env.
 */
export function loadConfig(env: Env = process.env): AdpulseConfig {
  const r = new EnvReader(env)
  const production = r.raw('NODE_ENV') === 'production'

  const brokers = r.list('KAFKA_BROKERS')
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d+$/.test(broker))
      r.fail(`KAFKA_BROKERS: expected host:port, got ${JSON.stringify(broker)}`)
  }

  const url = r.optionalString('CLICKHOUSE_URL')
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) {
    r.fail(`CLICKHOUSE_URL: expected an http(s) URL, got ${JSON.stringify(url)}`)
  }
  const database = r.string('CLICKHOUSE_DATABASE', 'adpulse')
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    r.fail(`CLICKHOUSE_DATABASE: expected an identifier, got ${JSON.stringify(database)}`)
  }

  if (production && r.raw('ADPULSE_INGEST_KEYS') === undefined) {
    r.fail('ADPULSE_INGEST_KEYS: required when NODE_ENV=production (comma-separated source:key pairs)')
  }
  const keys = parseIngestKeys(
    r.list('ADPULSE_INGEST_KEYS').length > 0 ? r.list('ADPULSE_INGEST_KEYS') : [DEV_KEYS],
    r,
  )

  const currency = r.string('ADPULSE_REPORTING_CURRENCY', 'USD')
  if (!/^[A-Z]{3}$/.test(currency)) {
    r.fail(
      `ADPULSE_REPORTING_CURRENCY: expected an ISO 4217 code such as USD, got ${JSON.stringify(currency)}`,
    )
  }

  const alerter: AlerterConfig = {
    intervalMs: r.durationMs('ADPULSE_ALERTER_INTERVAL', 15_000),
    windowMs: r.durationMs('ADPULSE_ALERTER_WINDOW', 3_600_000),
    cutBelowRoi: r.number('ADPULSE_CUT_BELOW_ROI', 0),
    scaleAboveRoi: r.number('ADPULSE_SCALE_ABOVE_ROI', 1),
    minSpendMicros: r.micros('ADPULSE_MIN_SPEND_MICROS', 10_000_000n),
  }
  if (alerter.cutBelowRoi >= alerter.scaleAboveRoi) {
    r.fail(
      'ADPULSE_CUT_BELOW_ROI: must be below ADPULSE_SCALE_ABOVE_ROI, or a channel could be cut and scaled at once',
    )
  }
  if (alerter.intervalMs < 100) r.fail('ADPULSE_ALERTER_INTERVAL: must be at least 100ms')
  if (alerter.windowMs < 60_000) r.fail('ADPULSE_ALERTER_WINDOW: must be at least 1m (buckets are minutes)')

  const config: AdpulseConfig = {
    server: {
      port: r.int('ADPULSE_PORT', 8080, { min: 0, max: 65535 }),
      host: r.string('ADPULSE_HOST', '0.0.0.0'),
    },
    kafka: {
      brokers: brokers.length > 0 ? brokers : undefined,
      clientId: r.string('KAFKA_CLIENT_ID', 'adpulse'),
      topics: {
        events: r.string('ADPULSE_TOPIC_EVENTS', 'adpulse.events.v1'),
        dlq: r.string('ADPULSE_TOPIC_DLQ', 'adpulse.events.dlq.v1'),
        signals: r.string('ADPULSE_TOPIC_SIGNALS', 'adpulse.signals.v1'),
      },
      partitions: r.int('ADPULSE_EVENTS_PARTITIONS', 3, { min: 1, max: 10_000 }),
      replicationFactor: r.int('ADPULSE_REPLICATION_FACTOR', 1, { min: 1, max: 10 }),
    },
    clickhouse: {
      url,
      user: r.string('CLICKHOUSE_USER', 'default'),
      password: r.raw('CLICKHOUSE_PASSWORD') ?? '',
      database,
      chdbPath: r.string('ADPULSE_CHDB_PATH', `${REPO_ROOT}.local/chdb`),
    },
    ingest: {
      keys,
      maxBodyBytes: r.int('ADPULSE_INGEST_MAX_BODY_BYTES', 5 * 1024 * 1024, { min: 1024 }),
      maxEventsPerRequest: r.int('ADPULSE_INGEST_MAX_EVENTS', 10_000, { min: 1 }),
      allowedLatenessMs: r.durationMs('ADPULSE_ALLOWED_LATENESS', 7 * 86_400_000),
      maxClockSkewMs: r.durationMs('ADPULSE_MAX_CLOCK_SKEW', 5 * 60_000),
    },
    processor: {
      groupId: r.string('ADPULSE_PROCESSOR_GROUP', 'adpulse-processor'),
      pricingFile: r.string('ADPULSE_PRICING_FILE', `${REPO_ROOT}deploy/pricing.json`),
    },
    alerter,
    reportingCurrency: currency,
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const, 'info'),
  }

  if (r.problems.length > 0) throw new ConfigError(r.problems)
  return config
}

/** `source:key` pairs → map from key to source name. */
function parseIngestKeys(entries: string[], r: EnvReader): Map<string, string> {
  const keys = new Map<string, string>()
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':')
    const source = colon > 0 ? entry.slice(0, colon) : `key${index + 1}`
    const key = colon > 0 ? entry.slice(colon + 1) : entry
    if (key.length < 8) {
      r.fail(`ADPULSE_INGEST_KEYS: key for source ${JSON.stringify(source)} is shorter than 8 characters`)
      return
    }
    keys.set(key, source)
  })
  return keys
}
