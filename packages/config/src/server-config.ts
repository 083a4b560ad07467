import type { EnvReader } from './env-reader.ts'

export interface ServerConfig {
  /** `ADPULSE_PORT`, default 8080: the one HTTP port of a service (all routes, /metrics, /healthz, /readyz). */
  port: number
  /** `ADPULSE_HOST`, default 0.0.0.0. */
  host: string
}

export function readServer(r: EnvReader): ServerConfig {
  return {
    port: r.int('ADPULSE_PORT', 8080, { min: 0, max: 65535 }),
    host: r.string('ADPULSE_HOST', '0.0.0.0'),
  }
}
