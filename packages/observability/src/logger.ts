import { type DestinationStream, type Logger, pino } from 'pino'

export type { Logger } from 'pino'

export interface LoggerOptions {
  level?: string
  /** Defaults to stdout; tests pass an in-memory stream to read the JSON lines. */
  destination?: DestinationStream
}

/** A pino JSON logger; components take `logger.child({ component })` of it. */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const settings = { name, level: options.level ?? 'info' }
  return options.destination ? pino(settings, options.destination) : pino(settings)
}
