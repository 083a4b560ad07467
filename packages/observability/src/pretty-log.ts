import type { DestinationStream } from 'pino'

/** How log lines are written: JSON lines (pino's own), or human-readable lines. */
export type LogFormat = 'json' | 'pretty'

/**
 * The format of a process's logs: LOG_FORMAT when set, else pretty for a
 * person at a terminal and JSON lines for everything else (a pipe, a file, a
 * container's log collector), which read JSON.
 */
export function chooseLogFormat(requested: LogFormat | undefined, outputIsTerminal: boolean): LogFormat {
  return requested ?? (outputIsTerminal ? 'pretty' : 'json')
}

const LEVELS: Readonly<Record<number, { name: string; color: number }>> = {
  10: { name: 'TRACE', color: 90 },
  20: { name: 'DEBUG', color: 36 },
  30: { name: 'INFO', color: 32 },
  40: { name: 'WARN', color: 33 },
  50: { name: 'ERROR', color: 31 },
  60: { name: 'FATAL', color: 35 },
}

/** Fields every line has, shown in its head or not at all (the pid and host say little at a terminal). */
const HEAD_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'component', 'msg'])

/**
 * One pino JSON line as a person reads it:
 * `10:42:07.123Z INFO  adpulse/processor: partition assigned`, then each other
 * field on its own indented line, an error as its stack. A line that is not a
 * JSON object passes as it is.
 */
export function formatPrettyLine(line: string, options: { colors: boolean }): string {
  let record: unknown
  try {
    record = JSON.parse(line)
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return `${line.trimEnd()}\n`
  const fields = record as Record<string, unknown>
  const level = LEVELS[Number(fields.level)] ?? { name: String(fields.level ?? '?').toUpperCase(), color: 0 }
  const levelText = level.name.padEnd(5)
  const who = [fields.name, fields.component].filter((part) => part !== undefined).join('/')
  const head =
    `${clock(fields.time)} ${options.colors ? `\u001b[${level.color}m${levelText}\u001b[0m` : levelText}` +
    `${who === '' ? '' : ` ${who}:`} ${indent(String(fields.msg ?? ''))}`
  const rest = Object.entries(fields)
    .filter(([key]) => !HEAD_FIELDS.has(key))
    .map(([key, value]) => `    ${key}: ${indent(fieldText(value))}`)
  return `${[head, ...rest].join('\n')}\n`
}

/** A pino line writer that writes each line pretty to `out`, synchronously when `out` is (nothing is lost at exit). */
export function prettyDestination(
  out: { write(text: string): unknown },
  options: { colors: boolean },
): DestinationStream {
  return { write: (line: string) => void out.write(formatPrettyLine(line, options)) }
}

function clock(time: unknown): string {
  return typeof time === 'number' ? new Date(time).toISOString().slice(11) : '--:--:--.---Z'
}

/** An error (pino serializes it as type, message, stack) as its stack; other values as text or JSON. */
function fieldText(value: unknown): string {
  if (typeof value === 'string') return value
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { stack?: unknown }).stack === 'string'
  ) {
    const { stack, type: _type, message: _message, ...more } = value as Record<string, unknown>
    const extra = Object.keys(more).length > 0 ? `\n${JSON.stringify(more)}` : ''
    return `${stack as string}${extra}`
  }
  return JSON.stringify(value) ?? String(value)
}

/** Continuation lines of a multi-line value under the value, not at the margin. */
function indent(text: string): string {
  return text.replace(/\n/g, '\n      ')
}
