import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { codeDefault, type Default, parseDefault, variablesReadByConfig } from '../test/variables.ts'
import type { VariableRead } from './env-reader.ts'
import { REPO_ROOT } from './repo-root.ts'

/**
 * The README's configuration tables list exactly the variables loadConfig
 * reads, with the same defaults. A README default is read with the parser of
 * its variable (`48h` and `172800000` are the same duration), so both sides
 * compare as values: `unset`, `empty`, or a code span, optionally followed by
 * words (`` `5242880` (5 MiB) ``).
 */

/**
 * Variables read outside packages/config, by scripts, tests and benchmarks
 * only: documented where they are read, and not in the configuration table.
 */
const READ_OUTSIDE_CONFIG: Readonly<Record<string, string>> = {
  KAFKA_LOCAL_HOME: 'deploy/local/kafka.sh (the local broker script), README below the table',
  KAFKA_LOCAL_DATA: 'deploy/local/kafka.sh, README below the table',
  KAFKA_LOCAL_PORT: 'deploy/local/kafka.sh, README below the table',
  KAFKA_LOCAL_HEAP: 'deploy/local/kafka.sh, README below the table',
  KAFKA_LOCAL_PARTITIONS: 'deploy/local/kafka.sh, README below the table',
  KAFKA_LOCAL_EXTRA_PROPERTIES:
    'deploy/local/kafka.sh (a test broker with a SASL_SSL listener), README below the table',
  KAFKA_LOCAL_SCRAM: 'deploy/local/kafka.sh (SCRAM users of a test broker), README below the table',
  ADPULSE_TEST_DOCKER: 'packages/testkit/src/global-setup.ts (the test harness), README quick start',
  ADPULSE_TEST_PYTHON:
    'test/confluent-client.e2e.test.ts (the Python of the downstream-client test), README quick start',
  BENCH_BATCHES: 'bench/ingest.ts, docs/benchmarks.md',
  BENCH_CONCURRENCY: 'bench/ingest.ts, docs/benchmarks.md',
  BENCH_INGEST_NODE_ARGS: 'bench/ingest.ts, docs/benchmarks.md',
  BENCH_RUNS: 'bench/ingest.ts and bench/processor.ts, docs/benchmarks.md',
  BENCH_SECONDS: 'bench/ingest.ts, docs/benchmarks.md',
  BENCH_EVENTS: 'bench/processor.ts, docs/benchmarks.md',
  BENCH_INSERT: 'bench/processor.ts, docs/benchmarks.md',
  BENCH_VIEW: 'bench/processor.ts, docs/benchmarks.md',
  BENCH_PEER: 'bench/processor.ts, docs/benchmarks.md',
  BENCH_SETTINGS: 'bench/processor.ts, docs/benchmarks.md',
  BENCH_NODE_ARGS: 'bench/processor.ts, docs/benchmarks.md',
  BENCH_HEAP_SNAPSHOT: 'bench/processor-child.ts, docs/benchmarks.md',
  BENCH_SLICE: 'bench/processor-insert.ts, docs/benchmarks.md',
  BENCH_CAMPAIGNS: 'bench/processor.ts and bench/experiments.ts, docs/benchmarks.md',
  BENCH_SEED: 'bench/experiments.ts, docs/benchmarks.md',
  BENCH_TUNE: 'bench/experiments.ts, docs/benchmarks.md',
  BENCH_CPU_PROF: 'bench/processor.ts, docs/benchmarks.md',
  BENCH_ALLOC_PROF: 'bench/processor-child.ts, docs/benchmarks.md',
  BENCH_SEEDS: 'bench/decisions.ts',
  BENCH_HOURS: 'bench/decisions.ts',
  BENCH_CHANNELS: 'bench/decisions.ts',
  PATH: 'services/adpulse/src/cli.test.ts, passed on to the CLI processes it spawns',
  HOME: 'services/adpulse/src/cli.test.ts, passed on to the CLI processes it spawns',
}

interface TableRow {
  variable: string
  defaultCell: string
}

/** Every row of every `| variable | default | meaning |` table of a markdown text. */
function configurationRows(markdown: string): TableRow[] {
  const rows: TableRow[] = []
  let inTable = false
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      inTable = false
      continue
    }
    const cells = line
      .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim())
    if (cells[0] === 'variable' && cells[1] === 'default') inTable = true
    else if (inTable && !/^-+$/.test(cells[0] ?? '')) {
      const variable = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[0] ?? '')?.[1]
      if (variable === undefined) throw new Error(`one variable per row, as a code span: ${line}`)
      rows.push({ variable, defaultCell: cells[1] ?? '' })
    }
  }
  return rows
}

/** A README default cell, read the way the code reads the variable. */
function readmeDefault(cell: string, kind: VariableRead['kind'] | undefined): Default | 'unparsed' {
  if (cell === 'unset') return undefined
  if (cell === 'empty') return ''
  const text = /^`([^`]*)`/.exec(cell)?.[1]
  if (text === undefined) return 'unparsed'
  return parseDefault(text, kind)
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path)
    return /\.(ts|mjs|js|sh)$/.test(entry.name) ? [path] : []
  })
}

/** Names read from the environment anywhere in the repository's code and scripts. */
function variablesReadInRepository(): Map<string, string[]> {
  const patterns = [
    /process\.env\.([A-Z][A-Z0-9_]*)/g,
    /process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
    /\$\{([A-Z][A-Z0-9_]*):?-/g,
  ]
  const found = new Map<string, string[]>()
  for (const top of ['packages', 'services', 'scripts', 'bench', 'test', 'deploy']) {
    for (const file of sourceFiles(join(REPO_ROOT, top))) {
      const text = readFileSync(file, 'utf8')
      for (const pattern of patterns) {
        for (const match of text.matchAll(pattern)) {
          const name = match[1] as string
          found.set(name, [...(found.get(name) ?? []), relative(REPO_ROOT, file)])
        }
      }
    }
  }
  return found
}

describe('README configuration table', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
  const rows = configurationRows(readme)
  const variables = variablesReadByConfig()

  it('lists each variable once', () => {
    expect(rows.length).toBeGreaterThan(0)
    const names = rows.map((row) => row.variable)
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([])
  })

  it('lists exactly the variables the configuration reads', () => {
    expect(rows.map((row) => row.variable).sort()).toEqual([...variables.keys()].sort())
  })

  it('gives each the default the code has', () => {
    const documented = Object.fromEntries(
      rows.map((row) => [row.variable, readmeDefault(row.defaultCell, variables.get(row.variable)?.kind)]),
    )
    const coded = Object.fromEntries(
      [...variables].filter(([name]) => name in documented).map(([name, read]) => [name, codeDefault(read)]),
    )
    expect(documented).toStrictEqual(coded)
  })

  it('is the whole story: the code reads no other variable but those of scripts, tests and benchmarks', () => {
    const elsewhere = [...variablesReadInRepository()]
      .filter(([name]) => !variables.has(name) && !(name in READ_OUTSIDE_CONFIG))
      .map(([name, files]) => `${name} (${[...new Set(files)].join(', ')})`)
    expect(elsewhere).toEqual([])
    for (const name of Object.keys(READ_OUTSIDE_CONFIG)) {
      expect(variables.has(name), `${name} is read by the configuration`).toBe(false)
    }
  })
})

describe('readmeDefault', () => {
  it('reads a default with the parser of its variable', () => {
    expect(readmeDefault('`48h`', 'duration')).toBe(172_800_000)
    expect(readmeDefault('`5242880` (5 MiB)', 'int')).toBe(5_242_880)
    expect(readmeDefault('`10000000`', 'micros')).toBe(10_000_000n)
    expect(readmeDefault('`a:b, c:d`', 'list')).toEqual(['a:b', 'c:d'])
    expect(readmeDefault('unset', 'string')).toBeUndefined()
    expect(readmeDefault('empty', 'string')).toBe('')
    expect(readmeDefault('twice the rate', 'int')).toBe('unparsed')
  })
})
