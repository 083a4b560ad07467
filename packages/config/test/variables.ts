import { relative } from 'node:path'
import { parseDurationMs } from '@adpulse/kpi'
import { readConfig } from '../src/config.ts'
import { EnvReader, splitList, type VariableRead } from '../src/env-reader.ts'
import { REPO_ROOT } from '../src/repo-root.ts'

/**
 * The variables the configuration reads, from the code itself, and their
 * defaults compared as values: what the README table and `.env.example` are
 * checked against, so a variable added to a reader only needs its lines there.
 */

export type Default = string | number | bigint | readonly string[] | undefined

/** Every variable readConfig reads, with its kind and default, in reading order. */
export function variablesReadByConfig(): Map<string, VariableRead> {
  const reader = new EnvReader({})
  readConfig(reader)
  return reader.variables
}

/** The code's default, in the documents' terms: paths relative to the repository, an empty list unset. */
export function codeDefault({ fallback }: VariableRead): Default {
  if (typeof fallback === 'string' && fallback.startsWith(REPO_ROOT)) return relative(REPO_ROOT, fallback)
  if (Array.isArray(fallback) && fallback.length === 0) return undefined
  return fallback
}

/** A documented default's text (no value: undefined), read with the parser of its variable. */
export function parseDefault(text: string | undefined, kind: VariableRead['kind'] | undefined): Default {
  if (text === undefined) return undefined
  switch (kind) {
    case 'int':
    case 'number':
      return Number(text)
    case 'micros':
      return BigInt(text)
    case 'duration':
      return parseDurationMs(text)
    case 'list':
      return splitList(text)
    default:
      return text
  }
}
