import type { EnvReader } from './env-reader.ts'

export interface ServerConfig {
  /**
   * `ADPULSE_PORT`, default 8080: the HTTP port of a service: its routes, the
   * schema routes, and /metrics, /healthz, /readyz unless ADPULSE_METRICS_PORT is set.
   */
  port: number
  /** `ADPULSE_HOST`, default 0.0.0.0. */
  host: string
  /**
   * `ADPULSE_METRICS_PORT`, unset by default: a second listener for /metrics,
   * /healthz and /readyz, which then leave ADPULSE_PORT (the API port exposes
   * nothing operational; probes and scrapes go here). Bound on
   * `ADPULSE_METRICS_HOST`, default ADPULSE_HOST.
   */
  metrics: { host: string; port: number } | undefined
}

export function readServer(r: EnvReader): ServerConfig {
  const port = r.int('ADPULSE_PORT', 8080, { min: 0, max: 65535 })
  const host = r.string('ADPULSE_HOST', '0.0.0.0')
  const metricsHost = r.optionalString('ADPULSE_METRICS_HOST')
  const metricsPort = r.optionalString('ADPULSE_METRICS_PORT')
  if (metricsPort === undefined) {
    if (metricsHost !== undefined) r.fail('ADPULSE_METRICS_HOST: set without ADPULSE_METRICS_PORT')
    return { port, host, metrics: undefined }
  }
  const metrics = {
    host: metricsHost ?? host,
    port: r.int('ADPULSE_METRICS_PORT', 0, { min: 0, max: 65535 }),
  }
  // Port 0 picks a free port for each listener, so only a fixed port can collide.
  if (metrics.port !== 0 && metrics.port === port) {
    r.fail(`ADPULSE_METRICS_PORT: must differ from ADPULSE_PORT (${port}), or unset to serve /metrics on it`)
  }
  return { port, host, metrics }
}
