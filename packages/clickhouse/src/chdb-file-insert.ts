import { randomUUID } from 'node:crypto'
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
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
 * the SQL text. Only RawEventStore's inserts of events_raw take it; every other query keeps
 * @clickhouse/client, and a ClickHouse server keeps its HTTP insert. Registered
 * per client by createClickHouse for embedded chDB only, so a client wrapped by
 * a test (a Proxy is another object) keeps @clickhouse/client's insert.
 */
export interface ChdbInsertParams {
  table: string
  columns: readonly string[]
  format: 'TabSeparated'
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
 * Remembers the file insert of `client`, a client of embedded chDB. Its files
 * are the system's temporary directory's, readable by this user only, named
 * after the process and at random, and removed once their insert is done with.
 * A process killed with inserts in flight leaves theirs: the first registration
 * of the next process removes the files of processes no longer running.
 */
export function registerChdbFileInsert(client: ClickHouseClient): void {
  if (!swept) {
    swept = true
    removeFilesOfEndedProcesses(tmpdir())
  }
  fileInserts.set(client, {
    write(values) {
      // Synchronous: a few MB into the page cache, made while the insert before runs.
      const file = join(tmpdir(), `${FILE_PREFIX}${process.pid}-${randomUUID()}.tsv`)
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

const FILE_PREFIX = 'adpulse-insert-'
/** A file write() names: the prefix, the process id, a random UUID. */
const FILE_NAME = new RegExp(`^${FILE_PREFIX}(\\d+)-[0-9a-f-]+\\.tsv$`)
let swept = false

/** Removes the insert files in `directory` of processes that no longer run (killed mid-insert). */
export function removeFilesOfEndedProcesses(directory: string): void {
  let names: string[]
  try {
    names = readdirSync(directory)
  } catch {
    return
  }
  for (const name of names) {
    const pid = Number(FILE_NAME.exec(name)?.[1])
    if (pid > 0 && !isRunning(pid)) rmSync(join(directory, name), { force: true })
  }
}

/** Whether a process with this id runs (signal 0 tests without sending; EPERM: it runs as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

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
