import { randomUUID } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ClickHouseClient } from '@clickhouse/client'

/**
 * The hot insert of events_raw on embedded chDB: its rows (RowBinary) are written
 * to a file in chDB's data directory, and chDB reads it itself (`INSERT … FROM INFILE`).
 * A file can hold a binary format, which the SQL text of a query cannot.
 * chDB's other ways in cost more per byte: its raw insert (`connection.chdb.rawInsert`)
 * hands the Buffer over zero-copy but reads it through a path that takes about
 * a third more of the engine's CPU per row (docs/benchmarks.md, Processor), and
 * @clickhouse/client's insert through the chdb connection splices the body into
 * the SQL text. Only RawEventStore's inserts of events_raw take it; every other query keeps
 * @clickhouse/client, and a ClickHouse server keeps its HTTP insert. Registered
 * per client by createClickHouse for embedded chDB only, so a client wrapped by
 * a test (a Proxy is another object) keeps @clickhouse/client's insert.
 */
export interface ChdbInsertParams {
  table: string
  columns: readonly string[]
  format: 'RowBinary'
  /** Sent as the INSERT's own SETTINGS clause (they apply to this insert only). */
  settings: Record<string, string | number>
}

/** The file insert of one client: a file per insert, written once, read by each attempt, then removed. */
export interface ChdbFileInsert {
  /** Writes the bytes to a new file of this client's own; returns its path. */
  write(values: Buffer): string
  /** `INSERT … FROM INFILE`: chDB reads the file; throws ClickHouse's code and type as any query. */
  insert(file: string, params: ChdbInsertParams): Promise<void>
  /**
   * The insert is done with (landed, or given up): its file goes. An attempt a
   * timeout abandoned keeps reading a file it opened (Linux keeps the data of an
   * open file once unlinked); one that had not opened it yet fails, unheard.
   */
  remove(file: string): void
}

const fileInserts = new WeakMap<ClickHouseClient, ChdbFileInsert>()

/**
 * Remembers the file insert of `client`, a client of embedded chDB whose data
 * directory is `chdbPath`. Its files go to `adpulse-inserts` in that directory,
 * which only this process can hold (chDB allows one process per data
 * directory): readable by this user only, and removed once their insert is done
 * with. A process killed with inserts in flight leaves theirs; the first client
 * of the next process on the directory removes them.
 */
export function registerChdbFileInsert(client: ClickHouseClient, chdbPath: string): void {
  const directory = resolve(chdbPath, 'adpulse-inserts')
  if (!claimed.has(directory)) {
    claimed.add(directory)
    rmSync(directory, { recursive: true, force: true })
  }
  fileInserts.set(client, {
    write(values) {
      // Synchronous: a few MB into the page cache, made while the insert before runs.
      const file = join(directory, `${randomUUID()}.insert`)
      // Made on first use, and again should anything have removed it since.
      mkdirSync(directory, { recursive: true, mode: 0o700 })
      writeFileSync(file, values, { mode: 0o600 })
      return file
    },
    async insert(file, params) {
      await client.command({ query: fileInsertSql(file, params) })
    },
    remove(file) {
      rmSync(file, { force: true })
    },
  })
}

/** The insert directories this process emptied when its first client registered (later clients share them). */
const claimed = new Set<string>()

/** The file insert of a client createClickHouse made for embedded chDB; undefined for any other. */
export function chdbFileInsertOf(client: ClickHouseClient): ChdbFileInsert | undefined {
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
