import { type DestinationStream, type Logger, pino } from 'pino'
import { chooseLogFormat, type LogFormat, prettyDestination } from './pretty-log.ts'

export type { Logger } from 'pino'

export interface LoggerOptions {
  level?: string
  /**
   * `LOG_FORMAT` (the configuration's `logFormat`): `json` or `pretty`;
   * undefined: pretty when the output is stdout on a terminal, JSON lines otherwise.
   */
  format?: LogFormat
  /** Defaults to stdout; tests pass an in-memory stream to read the lines. */
  destination?: DestinationStream
}

/** A pino logger writing JSON lines or pretty ones; components take `logger.child({ component })` of it. */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const settings = { name, level: options.level ?? 'info' }
  const toTerminal = options.destination === undefined && process.stdout.isTTY === true
  if (chooseLogFormat(options.format, toTerminal) === 'json') {
    return options.destination ? pino(settings, options.destination) : pino(settings)
  }
  // In-process and synchronous, not a worker transport: the last lines before process.exit are written.
  const out = options.destination ?? pino.destination({ dest: 1, sync: true })
  return pino(settings, prettyDestination(out, { colors: toTerminal }))
}
