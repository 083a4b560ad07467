import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import {
  chdbFileInsertOf,
  fileInsertSql,
  registerChdbFileInsert,
  removeFilesOfEndedProcesses,
} from './chdb-file-insert.ts'

const PARAMS = {
  table: 'db.events_raw',
  columns: ['event_id', 'offset'],
  format: 'TabSeparated' as const,
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
        " SETTINGS insert_deduplication_token = 'events/0/1-7\\'', insert_deduplicate = 1 FORMAT TabSeparated",
    )
    expect(fileInsertSql('/f', { ...PARAMS, settings: {} })).toBe(
      "INSERT INTO db.events_raw (event_id, offset) FROM INFILE '/f' FORMAT TabSeparated",
    )
  })

  it('writes the bytes to a file of their own, which every attempt reads, until removed', async () => {
    const { client, seen } = recordingClient()
    registerChdbFileInsert(client)
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
    registerChdbFileInsert(client)
    const files = chdbFileInsertOf(client)
    const file = files?.write(Buffer.from('e1\n')) as string
    await expect(files?.insert(file, PARAMS)).rejects.toBe(refused)
    files?.remove(file)
  })

  it('is found only for the client it was registered under (a wrapped client keeps @clickhouse/client)', () => {
    const { client } = recordingClient()
    registerChdbFileInsert(client)
    expect(chdbFileInsertOf(client)).toBeDefined()
    expect(chdbFileInsertOf(new Proxy(client, {}))).toBeUndefined()
  })

  it('removes the files a killed process left, and nothing of a running one or of anyone else', () => {
    const directory = mkdtempSync(join(tmpdir(), 'adpulse-sweep-'))
    const ended = spawnSync(process.execPath, ['-e', '0']).pid
    const uuid = '0b6c1f5e-8a3e-4c4e-9d2a-3f1f1a2b3c4d'
    const names = [
      `adpulse-insert-${ended}-${uuid}.tsv`,
      `adpulse-insert-${process.pid}-${uuid}.tsv`,
      `adpulse-insert-${ended}-notes.txt`,
      'other.tsv',
    ]
    for (const name of names) writeFileSync(join(directory, name), 'x')
    removeFilesOfEndedProcesses(directory)
    expect(readdirSync(directory).sort()).toEqual(names.slice(1).sort())
  })
})
