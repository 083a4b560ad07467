import { existsSync, readFileSync } from 'node:fs'
import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { chdbFileInsertOf, fileInsertSql, registerChdbFileInsert } from './chdb-file-insert.ts'

const PARAMS = {
  table: 'db.events_raw',
  columns: ['event_id', 'offset'],
  format: 'TabSeparated' as const,
  values: Buffer.from('e1\t7\n'),
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

  it('writes the bytes to a file of its own for the insert, and removes it once chDB has read it', async () => {
    const { client, seen } = recordingClient()
    registerChdbFileInsert(client)
    const insert = chdbFileInsertOf(client)
    await insert?.(PARAMS)
    await insert?.({ ...PARAMS, values: Buffer.from('e2\t8\n') })
    expect(seen.map((s) => s.bytes)).toEqual(['e1\t7\n', 'e2\t8\n'])
    expect(new Set(seen.map((s) => s.file)).size).toBe(2)
    for (const { file } of seen) expect(existsSync(file)).toBe(false)
  })

  it('removes the file of a failed insert too, and throws what the client threw', async () => {
    const refused = Object.assign(new Error('Constraint violated'), {
      code: '469',
      type: 'VIOLATED_CONSTRAINT',
    })
    const { client, seen } = recordingClient(refused)
    registerChdbFileInsert(client)
    await expect(chdbFileInsertOf(client)?.(PARAMS)).rejects.toBe(refused)
    expect(existsSync(seen[0]?.file as string)).toBe(false)
  })

  it('is found only for the client it was registered under (a wrapped client keeps @clickhouse/client)', () => {
    const { client } = recordingClient()
    registerChdbFileInsert(client)
    expect(chdbFileInsertOf(client)).toBeTypeOf('function')
    expect(chdbFileInsertOf(new Proxy(client, {}))).toBeUndefined()
  })
})
