import { parseDurationMs } from '@adpulse/kpi'

/**
 * Reads typed values out of an environment map, collecting every problem
 * instead of stopping at the first, so that a misconfigured process can list
 * all of them at once and refuse to start.
 */
export type Env = Readonly<Record<string, string | undefined>>

export class ConfigError extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

/** How a variable is parsed: the README's default of it is read the same way. */
export type VariableKind = 'string' | 'int' | 'number' | 'micros' | 'list' | 'duration'

/** A variable as the configuration reads it: its kind and its default (undefined: unset). */
export interface VariableRead {
  kind: VariableKind
  fallback: string | number | bigint | readonly string[] | undefined
}

export class EnvReader {
  readonly problems: string[] = []
  /**
   * Every variable read, with its default: the one list of what the
   * configuration reads, checked against the README's table (readme-table.test.ts).
   */
  readonly variables = new Map<string, VariableRead>()
  constructor(private readonly env: Env) {}

  /** The raw value, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    if (!this.variables.has(name)) this.variables.set(name, { kind: 'string', fallback: undefined })
    return this.value(name)
  }

  string(name: string, fallback: string): string {
    return this.read(name, 'string', fallback) ?? fallback
  }

  optionalString(name: string): string | undefined {
    return this.read(name, 'string', undefined)
  }

  int(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
    const raw = this.read(name, 'int', fallback)
    if (raw === undefined) return fallback
    if (!/^-?\d+$/.test(raw)) {
      this.problems.push(`${name}: expected an integer, got ${JSON.stringify(raw)}`)
      return fallback
    }
    const value = Number(raw)
    if (value < min || value > max) {
      this.problems.push(`${name}: expected an integer in [${min}, ${max}], got ${raw}`)
      return fallback
    }
    return value
  }

  number(name: string, fallback: number): number {
    const raw = this.read(name, 'number', fallback)
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!Number.isFinite(value)) {
      this.problems.push(`${name}: expected a number, got ${JSON.stringify(raw)}`)
      return fallback
    }
    return value
  }

  /** Integer micros as a bigint (money never goes through floating point). */
  micros(name: string, fallback: bigint): bigint {
    const raw = this.read(name, 'micros', fallback)
    if (raw === undefined) return fallback
    if (!/^\d+$/.test(raw)) {
      this.problems.push(`${name}: expected non-negative integer micros, got ${JSON.stringify(raw)}`)
      return fallback
    }
    return BigInt(raw)
  }

  /** Comma-separated values; unset or only commas: the fallback. */
  list(name: string, fallback: readonly string[] = []): string[] {
    const raw = this.read(name, 'list', fallback)
    const values = raw === undefined ? [] : splitList(raw)
    return values.length > 0 ? values : [...fallback]
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.read(name, 'string', fallback)
    if (raw === undefined) return fallback
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`)
      return fallback
    }
    return raw as T
  }

  /** A duration such as `500ms`, `30s`, `15m`, `1h`, `7d`, or plain milliseconds. */
  durationMs(name: string, fallbackMs: number): number {
    const raw = this.read(name, 'duration', fallbackMs)
    if (raw === undefined) return fallbackMs
    const ms = parseDurationMs(raw)
    if (ms === undefined) {
      this.problems.push(`${name}: expected a duration like 30s, 15m, 1h or 7d, got ${JSON.stringify(raw)}`)
      return fallbackMs
    }
    return ms
  }

  fail(problem: string): void {
    this.problems.push(problem)
  }

  private read(name: string, kind: VariableKind, fallback: VariableRead['fallback']): string | undefined {
    this.variables.set(name, { kind, fallback })
    return this.value(name)
  }

  private value(name: string): string | undefined {
    const value = this.env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
export function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}
