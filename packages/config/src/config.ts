import { fileURLToPath } from 'node:url'
import { DEFAULT_CONTRACT, type EventContract } from '@adpulse/events'
import { ConfigError, type Env, EnvReader } from './env-reader.ts'

const DAY_MS = 24 * 3600 * 1000
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
  /**
   * `ADPULSE_TOPIC_ALERTER_LEASE`, default `adpulse.alerter.lease.v1`: one partition, no
   * records; the alerter instance the group assigns it to is the one that publishes.
   */
  alerterLease: string
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
  producer: ProducerConfig
}

export interface ProducerConfig {
  /**
   * `KAFKA_COMPRESSION`, default `gzip` (built into kafkajs): codec of every
   * record batch; `none` trades bandwidth and broker disk for CPU.
   */
  compression: 'gzip' | 'none'
  /**
   * `KAFKA_PRODUCE_RETRIES`, default 5: attempts after the first before a send
   * fails. Bounded on purpose: a request has a deadline, and a failed send
   * replaces the idempotent producer (new producer id), so no sequence state is reused.
   */
  retries: number
  /**
   * `KAFKA_LINGER`, default 2ms: how long the first message of a batch waits for
   * others, so concurrent requests share one produce call. Bounded by maxBatchBytes.
   */
  lingerMs: number
  /**
   * `KAFKA_MAX_BATCH_BYTES`, default 1 MiB (uncompressed): the most one produce call
   * carries. Keep the compressed share of one partition under the broker's
   * message.max.bytes (1 MB by default).
   */
  maxBatchBytes: number
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
   * `CLICKHOUSE_CLUSTER`, unset by default: a cluster name from the servers'
   * `remote_servers`. Set, the migrations create the tables ON CLUSTER with the
   * Replicated engines (every replica keeps the data; needs ClickHouse Keeper
   * and the `{shard}`/`{replica}` macros, see docs/scaling.md). Needs CLICKHOUSE_URL.
   */
  cluster: string | undefined
  /**
   * `ADPULSE_CHDB_PATH`, default `.local/chdb`: data directory of the embedded
   * ClickHouse. chDB allows one data directory per process, so in embedded mode
   * the services must run together in one process (the all-in-one entry).
   */
  chdbPath: string
  /**
   * `ADPULSE_RAW_RETENTION`, default 30d: how long events_raw keeps an event
   * after its receipt (the table's TTL, set at start). The dedup horizon and
   * `adpulse rebuild` cannot reach further back: keep it above the horizon.
   * The minute buckets KPIs are read from are kept.
   */
  rawRetentionMs: number
}

export interface IngestConfig {
  /**
   * `ADPULSE_INGEST_KEYS`, comma-separated `source:key` pairs (a bare `key` gets
   * the source `key<N>`). ADPULSE_INGEST_KEYS or ADPULSE_INGEST_KEYS_FILE is required
   * when NODE_ENV=production; without either, the development key `demo:adpulse-dev-key`.
   */
  keys: ReadonlyMap<string, string>
  /**
   * `ADPULSE_INGEST_KEYS_FILE`, unset by default: a file of keys (JSON or
   * `source:key` lines, see services/ingest/src/key-file.ts) added to
   * ADPULSE_INGEST_KEYS, re-read on SIGHUP and when it changes, so keys rotate
   * without a restart.
   */
  keysFile: string | undefined
  /** `ADPULSE_INGEST_MAX_BODY_BYTES`, default 5 MiB: request bodies as sent (gzip or not); larger get 413. */
  maxBodyBytes: number
  /**
   * `ADPULSE_INGEST_MAX_INFLATED_BYTES`, default 20 MiB: a gzip body is inflated
   * up to this size and refused with 413 beyond it (gzip bombs), so memory stays bounded.
   */
  maxInflatedBytes: number
  /** `ADPULSE_INGEST_MAX_EVENTS`, default 10000: events per request; more get 413. */
  maxEventsPerRequest: number
  /**
   * `ADPULSE_INGEST_REQUEST_TIMEOUT`, default 10s: a request not acknowledged by
   * Kafka by then is answered 503 with Retry-After (never 202).
   */
  requestTimeoutMs: number
  /**
   * `ADPULSE_INGEST_MAX_BUFFERED_BYTES`, default 64 MiB: encoded records waiting
   * for or in a produce call. Beyond it requests get 503 at once: memory stays
   * bounded when Kafka is slow or down.
   */
  maxBufferedBytes: number
  /**
   * `ADPULSE_INGEST_RATE_LIMIT`, default 50000: events per second per key (token
   * bucket); 0 turns the limit off. A key over it gets 429 with Retry-After, other keys are unaffected.
   */
  rateLimitPerSecond: number
  /**
   * `ADPULSE_INGEST_RATE_BURST`, default twice the rate: events a key may send at
   * once. Must be at least ADPULSE_INGEST_MAX_EVENTS, or a full request could never pass.
   */
  rateBurst: number
  /**
   * `ADPULSE_INGEST_SIGNATURES`, default `optional`: HMAC-SHA256 request
   * signatures. `optional` checks a signature when one is sent (and for keys the
   * key file marks `require_signature`), `required` refuses unsigned requests,
   * `off` ignores signature headers.
   */
  signatures: 'off' | 'optional' | 'required'
  /**
   * `ADPULSE_INGEST_SIGNATURE_TOLERANCE`, default 5m: how far a signed request's
   * timestamp may be from the server clock; a signature is remembered that long to refuse replays.
   */
  signatureToleranceMs: number
}

/**
 * The limits of the event contract, one set for ingest and the processor
 * (packages/events, EventContract):
 * `ADPULSE_INGEST_MAX_ID_LENGTH`, default 128: characters of event_id, campaign_id, ad_id, click_id, user_id;
 * `ADPULSE_INGEST_MAX_ACTION_LENGTH`, default 64: characters of an action;
 * `ADPULSE_ALLOWED_LATENESS`, default 7d: older events go to the dead-letter topic;
 * `ADPULSE_MAX_CLOCK_SKEW`, default 5m: events further in the future go there too.
 */
export type ContractConfig = EventContract

export interface ProcessorConfig {
  /** `ADPULSE_PROCESSOR_GROUP`, default `adpulse-processor`: the consumer group of all processor instances. */
  groupId: string
  /** `ADPULSE_PRICING_FILE`, default deploy/pricing.json: the channel and campaign pricing models. */
  pricingFile: string
  /**
   * `ADPULSE_METRICS_MAX_CHANNELS`, default 50: distinct channels that get their
   * own label on the per-channel metrics; later ones share `channel="other"`, so
   * a sender inventing channels cannot explode the number of series.
   */
  metricsMaxChannels: number
  /**
   * `ADPULSE_PROGRESS_INTERVAL`, default 2s: how often the processor records, per
   * partition, how far the events topic is written to ClickHouse (pipeline_progress).
   */
  progressIntervalMs: number
  /**
   * `ADPULSE_DEDUP_HORIZON`, default 48h: a repeat of (source, campaign_id,
   * event_id) received within this of the first is counted once. The ids of the
   * horizon are held in memory per partition (about 130 bytes each,
   * docs/exactly-once.md) and rebuilt from events_raw on assignment.
   */
  dedupHorizonMs: number
  /**
   * `ADPULSE_DEDUP_MAX_IDS`, default 1000000: event ids of the horizon a processor
   * holds in memory (about 130 bytes each), shared by the partitions it reads.
   * Beyond it the oldest are forgotten and a key not in memory is looked up in
   * events_raw (one query per slice of a batch) while forgotten ids may still be
   * within the horizon: a repeat still counts once, at the cost of that query.
   */
  dedupMaxIds: number
  /**
   * `ADPULSE_PROCESSOR_SESSION_TIMEOUT`, default 30s: how long the group waits
   * for a silent processor before giving its partitions to another. Shorter
   * moves work sooner after a crash; at least the broker's group.min.session.timeout.ms (6s).
   */
  sessionTimeoutMs: number
  /**
   * `ADPULSE_RATES_REFRESH`, default 60s: how often the processor re-reads the
   * exchange rates (currency_rates) into memory, so an import applies without a
   * restart. A rate missing from memory also triggers one re-read (at most one a
   * second) before its event goes to the dead-letter topic as `missing_rate`.
   */
  ratesRefreshMs: number
  /**
   * `ADPULSE_RATES_FILE`, unset by default: a rates file (docs/currencies.md) the
   * processor imports into currency_rates at start and again whenever it changes
   * (checked at every refresh). A broken file stops the start; later, it is
   * refused whole and the rates in force stay. Unset: rates come only from
   * `adpulse rates import`.
   */
  ratesFile: string | undefined
}

export interface AlerterConfig {
  /** `ADPULSE_ALERTER_INTERVAL`, default 15s: how often the rules are evaluated. */
  intervalMs: number
  /**
   * `ADPULSE_ALERTER_WINDOW`, default 24h: the rolling window the default rules look at.
   * At one conversion an hour a 1h window rarely holds the evidence to decide
   * (docs/benchmarks.md, Decisions: 65 % of losing channels never cut).
   */
  windowMs: number
  /** `ADPULSE_CUT_BELOW_ROI`, default 0: a channel whose ROI is below this is cut. */
  cutBelowRoi: number
  /** `ADPULSE_SCALE_ABOVE_ROI`, default 1: a channel whose ROI is above this is scaled. */
  scaleAboveRoi: number
  /** `ADPULSE_MIN_SPEND_MICROS`, default 10000000 (10 units): no decision on less evidence. */
  minSpendMicros: bigint
  /**
   * `ADPULSE_RULES_FILE`, unset by default: the decision rules (YAML or JSON,
   * docs/decisions.md). Unset: the default cut and scale rules, built from the
   * window, thresholds and minimum spend above.
   */
  rulesFile: string | undefined
  /**
   * `ADPULSE_ALERTER_MAX_STALENESS`, default 2m: when the processor's data is
   * complete only to longer ago than this, the alerter decides nothing and
   * reports `stale` instead.
   */
  maxStalenessMs: number
  /** `ADPULSE_ALERTER_GROUP`, default `adpulse-alerter`: alerter instances elect one leader in this group. */
  groupId: string
  /** `ADPULSE_SIGNAL_WEBHOOK_URL`, unset by default: also POST each signal there (Slack-compatible JSON). */
  webhookUrl: string | undefined
  /** `ADPULSE_ALERTER_DRY_RUN`, default false: evaluate and log, publish nothing. */
  dryRun: boolean
}

export interface SchemaRegistryConfig {
  /**
   * `SCHEMA_REGISTRY_URL`, unset by default: a Confluent Schema Registry. Set,
   * the schemas are registered under `<topic>-value` at start and records carry
   * the registry's ids; unset, the built-in table of packages/events/src/schemas.ts.
   */
  url: string | undefined
}

export interface AdpulseConfig {
  server: ServerConfig
  kafka: KafkaConfig
  schemaRegistry: SchemaRegistryConfig
  clickhouse: ClickHouseConfig
  contract: ContractConfig
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
  const cluster = r.optionalString('CLICKHOUSE_CLUSTER')
  if (cluster !== undefined && !/^[A-Za-z0-9_.-]+$/.test(cluster)) {
    r.fail(`CLICKHOUSE_CLUSTER: expected a cluster name, got ${JSON.stringify(cluster)}`)
  }
  if (cluster !== undefined && url === undefined) {
    r.fail('CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL (embedded chDB is a single server)')
  }
  const database = r.string('CLICKHOUSE_DATABASE', 'adpulse')
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    r.fail(`CLICKHOUSE_DATABASE: expected an identifier, got ${JSON.stringify(database)}`)
  }

  const keysFile = r.optionalString('ADPULSE_INGEST_KEYS_FILE')
  if (production && r.raw('ADPULSE_INGEST_KEYS') === undefined && keysFile === undefined) {
    r.fail(
      'ADPULSE_INGEST_KEYS: required when NODE_ENV=production (comma-separated source:key pairs), or ADPULSE_INGEST_KEYS_FILE',
    )
  }
  const keys = parseIngestKeys(
    r.list('ADPULSE_INGEST_KEYS').length > 0
      ? r.list('ADPULSE_INGEST_KEYS')
      : keysFile === undefined
        ? [DEV_KEYS]
        : [],
    r,
  )
  const ingest = readIngest(r, keys, keysFile)
  const schemaRegistryUrl = r.optionalString('SCHEMA_REGISTRY_URL')
  if (schemaRegistryUrl !== undefined && !/^https?:\/\/\S+$/.test(schemaRegistryUrl)) {
    r.fail(`SCHEMA_REGISTRY_URL: expected an http(s) URL, got ${JSON.stringify(schemaRegistryUrl)}`)
  }

  const currency = r.string('ADPULSE_REPORTING_CURRENCY', 'USD')
  if (!/^[A-Z]{3}$/.test(currency) || !Intl.supportedValuesOf('currency').includes(currency)) {
    r.fail(
      `ADPULSE_REPORTING_CURRENCY: expected an ISO 4217 code such as USD, got ${JSON.stringify(currency)}`,
    )
  }

  const alerter: AlerterConfig = {
    intervalMs: r.durationMs('ADPULSE_ALERTER_INTERVAL', 15_000),
    windowMs: r.durationMs('ADPULSE_ALERTER_WINDOW', 24 * 3_600_000),
    cutBelowRoi: r.number('ADPULSE_CUT_BELOW_ROI', 0),
    scaleAboveRoi: r.number('ADPULSE_SCALE_ABOVE_ROI', 1),
    minSpendMicros: r.micros('ADPULSE_MIN_SPEND_MICROS', 10_000_000n),
    rulesFile: r.optionalString('ADPULSE_RULES_FILE'),
    maxStalenessMs: r.durationMs('ADPULSE_ALERTER_MAX_STALENESS', 120_000),
    groupId: r.string('ADPULSE_ALERTER_GROUP', 'adpulse-alerter'),
    webhookUrl: r.optionalString('ADPULSE_SIGNAL_WEBHOOK_URL'),
    dryRun: r.oneOf('ADPULSE_ALERTER_DRY_RUN', ['true', 'false'] as const, 'false') === 'true',
  }
  if (alerter.webhookUrl !== undefined && !/^https?:\/\/\S+$/.test(alerter.webhookUrl)) {
    r.fail(`ADPULSE_SIGNAL_WEBHOOK_URL: expected an http(s) URL, got ${JSON.stringify(alerter.webhookUrl)}`)
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
        alerterLease: r.string('ADPULSE_TOPIC_ALERTER_LEASE', 'adpulse.alerter.lease.v1'),
      },
      partitions: r.int('ADPULSE_EVENTS_PARTITIONS', 3, { min: 1, max: 10_000 }),
      replicationFactor: r.int('ADPULSE_REPLICATION_FACTOR', 1, { min: 1, max: 10 }),
      producer: {
        compression: r.oneOf('KAFKA_COMPRESSION', ['gzip', 'none'] as const, 'gzip'),
        retries: r.int('KAFKA_PRODUCE_RETRIES', 5, { min: 1, max: 100 }),
        lingerMs: r.durationMs('KAFKA_LINGER', 2),
        maxBatchBytes: r.int('KAFKA_MAX_BATCH_BYTES', 1024 * 1024, { min: 1024 }),
      },
    },
    schemaRegistry: { url: schemaRegistryUrl },
    clickhouse: {
      url,
      user: r.string('CLICKHOUSE_USER', 'default'),
      password: r.raw('CLICKHOUSE_PASSWORD') ?? '',
      database,
      cluster,
      chdbPath: r.string('ADPULSE_CHDB_PATH', `${REPO_ROOT}.local/chdb`),
      rawRetentionMs: r.durationMs('ADPULSE_RAW_RETENTION', 30 * DAY_MS),
    },
    contract: {
      maxIdLength: r.int('ADPULSE_INGEST_MAX_ID_LENGTH', DEFAULT_CONTRACT.maxIdLength, { min: 1, max: 4096 }),
      maxActionLength: r.int('ADPULSE_INGEST_MAX_ACTION_LENGTH', DEFAULT_CONTRACT.maxActionLength, {
        min: 1,
        max: 4096,
      }),
      allowedLatenessMs: r.durationMs('ADPULSE_ALLOWED_LATENESS', DEFAULT_CONTRACT.allowedLatenessMs),
      maxClockSkewMs: r.durationMs('ADPULSE_MAX_CLOCK_SKEW', DEFAULT_CONTRACT.maxClockSkewMs),
    },
    ingest,
    processor: {
      groupId: r.string('ADPULSE_PROCESSOR_GROUP', 'adpulse-processor'),
      pricingFile: r.string('ADPULSE_PRICING_FILE', `${REPO_ROOT}deploy/pricing.json`),
      metricsMaxChannels: r.int('ADPULSE_METRICS_MAX_CHANNELS', 50, { min: 1, max: 1000 }),
      progressIntervalMs: r.durationMs('ADPULSE_PROGRESS_INTERVAL', 2000),
      dedupHorizonMs: r.durationMs('ADPULSE_DEDUP_HORIZON', 2 * DAY_MS),
      dedupMaxIds: r.int('ADPULSE_DEDUP_MAX_IDS', 1_000_000, { min: 1 }),
      sessionTimeoutMs: r.durationMs('ADPULSE_PROCESSOR_SESSION_TIMEOUT', 30_000),
      ratesRefreshMs: r.durationMs('ADPULSE_RATES_REFRESH', 60_000),
      ratesFile: r.optionalString('ADPULSE_RATES_FILE'),
    },
    alerter,
    reportingCurrency: currency,
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const, 'info'),
  }

  if (config.processor.ratesRefreshMs < 1000) r.fail('ADPULSE_RATES_REFRESH: must be at least 1s')
  if (r.problems.length > 0) throw new ConfigError(r.problems)
  return config
}

function readIngest(r: EnvReader, keys: Map<string, string>, keysFile: string | undefined): IngestConfig {
  const maxEventsPerRequest = r.int('ADPULSE_INGEST_MAX_EVENTS', 10_000, { min: 1 })
  const maxBodyBytes = r.int('ADPULSE_INGEST_MAX_BODY_BYTES', 5 * 1024 * 1024, { min: 1024 })
  const maxInflatedBytes = r.int('ADPULSE_INGEST_MAX_INFLATED_BYTES', 20 * 1024 * 1024, { min: 1024 })
  const rateLimitPerSecond = r.int('ADPULSE_INGEST_RATE_LIMIT', 50_000)
  const rateBurst = r.int('ADPULSE_INGEST_RATE_BURST', 2 * rateLimitPerSecond)
  if (rateLimitPerSecond > 0 && rateBurst < maxEventsPerRequest) {
    r.fail(
      `ADPULSE_INGEST_RATE_BURST: must be at least ADPULSE_INGEST_MAX_EVENTS (${maxEventsPerRequest}), or a full request could never pass`,
    )
  }
  const requestTimeoutMs = r.durationMs('ADPULSE_INGEST_REQUEST_TIMEOUT', 10_000)
  if (requestTimeoutMs < 100) r.fail('ADPULSE_INGEST_REQUEST_TIMEOUT: must be at least 100ms')
  return {
    keys,
    keysFile,
    maxBodyBytes,
    maxInflatedBytes,
    maxEventsPerRequest,
    requestTimeoutMs,
    maxBufferedBytes: r.int('ADPULSE_INGEST_MAX_BUFFERED_BYTES', 64 * 1024 * 1024, { min: 1024 }),
    rateLimitPerSecond,
    rateBurst,
    signatures: r.oneOf('ADPULSE_INGEST_SIGNATURES', ['off', 'optional', 'required'] as const, 'optional'),
    signatureToleranceMs: r.durationMs('ADPULSE_INGEST_SIGNATURE_TOLERANCE', 5 * 60_000),
  }
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
