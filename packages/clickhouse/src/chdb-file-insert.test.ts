import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { chdbFileInsertOf, fileInsertSql, registerChdbFileInsert } from './chdb-file-insert.ts'

/** A data directory of the tests' own. */
const DATA = mkdtempSync(join(tmpdir(), 'adpulse-chdb-'))

const PARAMS = {
  table: 'db.events_raw',
  columns: ['event_id', 'offset'],
  format: 'RowBinary' as const,
  settings: { insert_deduplication_token: "events/0/1-7'", insert_deduplicate: 1 },
}

/** A client whose command records what chDB would read: the query, and the file as it was then. */
function recordingClient(fail?: Error) {
  const seen: { query: string; file: string; bytes: string }[] = []
  const client = {
    command: async ({ query }: { query: string }) => {
      const file = /FROM INFILE '([^']+)'/.exec(query)?.[1] as string
      seen.push({ query, file, bytes: readFileSync(file, 'utf8') })
      if (fail) throw fail
      return {}
    },
  } as unknown as ClickHouseClient
  return { client, seen }
}

describe('chDB file insert', () => {
  it('names the columns, quotes the file and the setting values, and reads the format given', () => {
    expect(fileInsertSql('/tmp/a\\b/0.tsv', PARAMS)).toBe(
      "INSERT INTO db.events_raw (event_id, offset) FROM INFILE '/tmp/a\\\\b/0.tsv'" +
        " SETTINGS insert_deduplication_token = 'events/0/1-7\\'', insert_deduplicate = 1 FORMAT RowBinary",
    )
    expect(fileInsertSql('/f', { ...PARAMS, settings: {} })).toBe(
      "INSERT INTO db.events_raw (event_id, offset) FROM INFILE '/f' FORMAT RowBinary",
    )
  })

  it('writes the bytes to a file of their own, which every attempt reads, until removed', async () => {
    const { client, seen } = recordingClient()
    registerChdbFileInsert(client, DATA)
    const files = chdbFileInsertOf(client)
    if (!files) throw new Error('not registered')
    const first = files.write(Buffer.from('e1\t7\n'))
    const second = files.write(Buffer.from('e2\t8\n'))
    expect(first).not.toBe(second)
    await files.insert(first, PARAMS)
    await files.insert(first, PARAMS)
    await files.insert(second, PARAMS)
    expect(seen.map((s) => [s.file, s.bytes])).toEqual([
      [first, 'e1\t7\n'],
      [first, 'e1\t7\n'],
      [second, 'e2\t8\n'],
    ])
    files.remove(first)
    files.remove(second)
    files.remove(second)
    expect(existsSync(first) || existsSync(second)).toBe(false)
  })

  it('throws what the client threw (ClickHouse code and type)', async () => {
    const refused = Object.assign(new Error('Constraint violated'), {
      code: '469',
      type: 'VIOLATED_CONSTRAINT',
    })
    const { client } = recordingClient(refused)
    registerChdbFileInsert(client, DATA)
    const files = chdbFileInsertOf(client)
    const file = files?.write(Buffer.from('e1\n')) as string
    await expect(files?.insert(file, PARAMS)).rejects.toBe(refused)
    files?.remove(file)
  })

  it('is found only for the client it was registered under (a wrapped client keeps @clickhouse/client)', () => {
    const { client } = recordingClient()
    registerChdbFileInsert(client, DATA)
    expect(chdbFileInsertOf(client)).toBeDefined()
    expect(chdbFileInsertOf(new Proxy(client, {}))).toBeUndefined()
  })

  it('empties its directory in the data directory when the first client of the process registers, not for a later one', () => {
    const chdbPath = mkdtempSync(join(tmpdir(), 'adpulse-chdb-'))
    const directory = join(chdbPath, 'adpulse-inserts')
    mkdirSync(directory)
    writeFileSync(join(directory, 'left-by-a-killed-process.tsv'), 'x')
    const first = recordingClient().client
    registerChdbFileInsert(first, chdbPath)
    expect(existsSync(directory)).toBe(false)
    const file = chdbFileInsertOf(first)?.write(Buffer.from('e1\n')) as string
    expect(file.startsWith(`${directory}/`)).toBe(true)
    registerChdbFileInsert(recordingClient().client, chdbPath)
    expect(existsSync(file)).toBe(true)
  })
})
