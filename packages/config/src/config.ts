import { type AlerterConfig, readAlerter } from './alerter-config.ts'
import { type AdminConfig, type AudiencesConfig, readAdmin, readAudiences } from './audiences-config.ts'
import { type ClickHouseConfig, readClickHouse } from './clickhouse-config.ts'
import { type ContractConfig, readContract } from './contract-config.ts'
import { ConfigError, type Env, EnvReader } from './env-reader.ts'
import {
  type LogFormat,
  type LogLevel,
  readLogFormat,
  readLogLevel,
  readProduction,
  readReportingCurrency,
} from './general-config.ts'
import { type IngestConfig, readIngest } from './ingest-config.ts'
import { type KafkaConfig, readKafka } from './kafka-config.ts'
import { type ProcessorConfig, readProcessor } from './processor-config.ts'
import { type ReadApiConfig, readReadApi } from './read-api-config.ts'
import { readSchemaRegistry, type SchemaRegistryConfig } from './schema-registry-config.ts'
import { readServer, type ServerConfig } from './server-config.ts'

export interface AdpulseConfig {
  server: ServerConfig
  kafka: KafkaConfig
  schemaRegistry: SchemaRegistryConfig
  clickhouse: ClickHouseConfig
  contract: ContractConfig
  ingest: IngestConfig
  /** The keys of the GET /v1 routes. */
  readApi: ReadApiConfig
  processor: ProcessorConfig
  alerter: AlerterConfig
  audiences: AudiencesConfig
  admin: AdminConfig
  /** `ADPULSE_REPORTING_CURRENCY`, default USD: the currency all money is reported in. */
  reportingCurrency: string
  /** `LOG_LEVEL`, default info. */
  logLevel: LogLevel
  /** `LOG_FORMAT`, `pretty` or `json`; undefined (the default): pretty on a terminal, else json. */
  logFormat: LogFormat | undefined
}

/**
 * Reads and validates the whole configuration once. Throws a ConfigError that
 * lists every problem, each naming its variable; nothing else reads process.env.
 */
export function loadConfig(env: Env = process.env): AdpulseConfig {
  const r = new EnvReader(env)
  const config = readConfig(r)
  if (r.problems.length > 0) throw new ConfigError(r.problems)
  return config
}

/** Every section read through one reader, which collects the problems of all of them. */
export function readConfig(r: EnvReader): AdpulseConfig {
  const production = readProduction(r)
  // Read in the order the problems are listed in (operators and tests see a stable list).
  const kafka = readKafka(r, production)
  const clickhouse = readClickHouse(r)
  const contract = readContract(r)
  const ingest = readIngest(r, production)
  const readApi = readReadApi(r, production, ingest.keys)
  const schemaRegistry = readSchemaRegistry(r)
  const reportingCurrency = readReportingCurrency(r)
  const alerter = readAlerter(r)
  const server = readServer(r)
  const processor = readProcessor(r)
  const audiences = readAudiences(r)
  const admin = readAdmin(r, production)
  const logLevel = readLogLevel(r)
  const logFormat = readLogFormat(r)
  // A replayed signed request that another ingest instance accepts is dropped by the processor's
  // dedup only while the first copy is still within the horizon (docs/scaling.md, Ingest).
  if (processor.dedupHorizonMs <= 2 * ingest.signatureToleranceMs) {
    r.fail(
      'ADPULSE_DEDUP_HORIZON: must be more than twice ADPULSE_INGEST_SIGNATURE_TOLERANCE, or a replay accepted by another ingest instance could be counted again',
    )
  }
  return {
    server,
    kafka,
    schemaRegistry,
    clickhouse,
    contract,
    ingest,
    readApi,
    processor,
    alerter,
    audiences,
    admin,
    reportingCurrency,
    logLevel,
    logFormat,
  }
}

/**
 * LOG_LEVEL and LOG_FORMAT alone, a bad value read as its default: for the
 * logger that reports the rest of the configuration, problems included, before
 * loadConfig has validated it (loadConfig then refuses the bad value).
 */
export function loadLogSettings(env: Env = process.env): { level: LogLevel; format: LogFormat | undefined } {
  const r = new EnvReader(env)
  return { level: readLogLevel(r), format: readLogFormat(r) }
}
