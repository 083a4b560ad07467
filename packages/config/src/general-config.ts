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

/** `LOG_LEVEL`, default info: a pino level. */
export function readLogLevel(r: EnvReader): (typeof LOG_LEVELS)[number] {
  return r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info')
}
