export { parseDurationMs } from '@adpulse/kpi'
export type { AlerterConfig } from './alerter-config.ts'
export type { AdminConfig, AudiencesConfig } from './audiences-config.ts'
export type { ClickHouseConfig } from './clickhouse-config.ts'
export { type AdpulseConfig, loadConfig, loadLogSettings } from './config.ts'
export type { ContractConfig } from './contract-config.ts'
export { loadEnvFile } from './env-file.ts'
export { ConfigError, type Env } from './env-reader.ts'
export type { LogFormat, LogLevel } from './general-config.ts'
export type { IngestConfig } from './ingest-config.ts'
export type { KafkaConfig, KafkaTopics, ProducerConfig } from './kafka-config.ts'
export type {
  KafkaSaslConfig,
  KafkaSecurityConfig,
  KafkaTlsConfig,
  PemFile,
  SaslMechanism,
} from './kafka-security-config.ts'
export type { ProcessorConfig } from './processor-config.ts'
export { DEVELOPMENT_READ_KEY, type ReadApiConfig } from './read-api-config.ts'
export type { SchemaRegistryAuth, SchemaRegistryConfig } from './schema-registry-config.ts'
export type { ServerConfig } from './server-config.ts'
