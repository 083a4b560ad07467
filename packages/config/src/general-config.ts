import type { EnvReader } from './env-reader.ts'

/** `NODE_ENV=production`: development conveniences (a local broker, a demo ingest key) are refused. */
export function readProduction(r: EnvReader): boolean {
  return r.raw('NODE_ENV') === 'production'
}

/** `ADPULSE_REPORTING_CURRENCY`, default USD: the currency all money is reported in. */
export function readReportingCurrency(r: EnvReader): string {
  const currency = r.string('ADPULSE_REPORTING_CURRENCY', 'USD')
  if (!/^[A-Z]{3}$/.test(currency) || !Intl.supportedValuesOf('currency').includes(currency)) {
    r.fail(
      `ADPULSE_REPORTING_CURRENCY: expected an ISO 4217 code such as USD, got ${JSON.stringify(currency)}`,
    )
  }
  return currency
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** `LOG_LEVEL`, default info: a pino level. */
export function readLogLevel(r: EnvReader): LogLevel {
  return r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info')
}

/** How log lines are written: JSON lines, or human-readable lines. */
export type LogFormat = 'json' | 'pretty'

/**
 * `LOG_FORMAT`, unset by default: `pretty` or `json`. Unset, the logger
 * chooses by its output: pretty on a terminal, JSON lines into a pipe or a file
 * (a log collector reads those).
 */
export function readLogFormat(r: EnvReader): LogFormat | undefined {
  const format = r.optionalString('LOG_FORMAT')
  if (format === undefined || format === 'json' || format === 'pretty') return format
  r.fail(
    `LOG_FORMAT: expected pretty or json (unset: pretty on a terminal, else json), got ${JSON.stringify(format)}`,
  )
  return undefined
}
