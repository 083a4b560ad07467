export * from './config.ts'
export { ConfigError, type Env, parseDurationMs } from './env-reader.ts'
