export { parseDurationMs } from '@adpulse/kpi'
export * from './config.ts'
export { ConfigError, type Env } from './env-reader.ts'
