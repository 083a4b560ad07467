import { mkdtempSync, rmSync } from 'node:fs'
import { unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClickHouseClient } from '@clickhouse/client'

/**
 * The hot insert of events_raw on embedded chDB: the TSV is written to a file
 * of this process's own, and chDB reads it itself (`INSERT … FROM INFILE`).
 * chDB's other ways in cost more per byte: its raw insert (`connection.chdb.rawInsert`)
 * hands the Buffer over zero-copy but reads it through a path that takes about
 * a third more of the engine's CPU per row (docs/benchmarks.md, Processor), and
 * @clickhouse/client's insert through the chdb connection splices the body into
 * the SQL text. Only RawEventStore.insert takes it; every other query keeps
 * @clickhouse/client, and a ClickHouse server keeps its HTTP insert. Registered
 * per client by createClickHouse for embedded chDB only, so a client wrapped by
 * a test (a Proxy is another object) keeps @clickhouse/client's insert.
 */
export interface ChdbInsertParams {
  table: string
  columns: readonly string[]
  format: 'TabSeparated'
  values: Buffer
  /** Sent as the INSERT's own SETTINGS clause (they apply to this insert only). */
  settings: Record<string, string | number>
}

export type ChdbInsert = (params: ChdbInsertParams) => Promise<void>

const fileInserts = new WeakMap<ClickHouseClient, ChdbInsert>()

/**
 * Remembers the file insert of `client`, a client of embedded chDB: the files
 * go to a directory of this registration's own (0700, under the system's
 * temporary directory), one per insert in flight, removed once chDB has read
 * it (landed or failed), and the directory when the process exits.
 */
export function registerChdbFileInsert(client: ClickHouseClient): void {
  const directory = mkdtempSync(join(tmpdir(), 'adpulse-inserts-'))
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }))
  let next = 0
  fileInserts.set(client, async (params) => {
    const file = join(directory, `${next++}.tsv`)
    try {
      await writeFile(file, params.values)
      // @clickhouse/client's command through the chdb connection: errors come with ClickHouse's code and type.
      await client.command({ query: fileInsertSql(file, params) })
    } finally {
      // Only now: a command abandoned by its caller's timeout still reads the file until it ends.
      await unlink(file).catch(() => undefined)
    }
  })
}

/** The file insert of a client createClickHouse made for embedded chDB; undefined for any other. */
export function chdbFileInsertOf(client: ClickHouseClient): ChdbInsert | undefined {
  return fileInserts.get(client)
}

/**
 * `INSERT INTO table (columns) FROM INFILE 'file' SETTINGS … FORMAT …`. The
 * table, columns and setting names are the store's own identifiers; the file
 * and the setting values (the dedup token) are quoted as ClickHouse string literals.
 */
export function fileInsertSql(file: string, { table, columns, format, settings }: ChdbInsertParams): string {
  const clause = Object.entries(settings)
    .map(([name, value]) => `${name} = ${typeof value === 'number' ? value : quoted(value)}`)
    .join(', ')
  return (
    `INSERT INTO ${table} (${columns.join(', ')}) FROM INFILE ${quoted(file)}` +
    `${clause ? ` SETTINGS ${clause}` : ''} FORMAT ${format}`
  )
}

/** A ClickHouse string literal: backslashes and single quotes escaped. */
function quoted(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}
