import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { chdbRawInsertOf, registerChdbRawInsert } from './chdb-raw-insert.ts'
import { classifyClickHouseError } from './errors.ts'
import { isFenceRefusal } from './partition-fence.ts'

const PARAMS = {
  table: 'db.events_raw',
  columns: ['event_id'],
  format: 'TabSeparated' as const,
  values: Buffer.from('e1\n'),
  settings: { insert_deduplication_token: 't' },
}

/** chDB's raw insert throws its own error class, ClickHouse's exception in the message. */
const chdbInsertError = (message: string) => Object.assign(new Error(message), { code: 'CHDB_INSERT' })

describe('chDB raw insert', () => {
  it('is found only for the client it was registered under (a wrapped client keeps @clickhouse/client)', async () => {
    const client = {} as ClickHouseClient
    const sent: unknown[] = []
    registerChdbRawInsert(client, { rawInsert: async (params) => sent.push(params) })
    await chdbRawInsertOf(client)?.(PARAMS)
    expect(sent).toEqual([PARAMS])
    expect(chdbRawInsertOf(new Proxy(client, {}))).toBeUndefined()
  })

  it("throws ClickHouse's code and type, so the fence refusal and permanent errors are recognised", async () => {
    const client = {} as ClickHouseClient
    const refusal =
      'Code: 469. DB::Exception: Constraint `writer_holds_partition` for table db.events_raw is violated at row 1. (VIOLATED_CONSTRAINT)'
    registerChdbRawInsert(client, {
      rawInsert: async (params) => {
        throw chdbInsertError(
          params.table === 'gone'
            ? 'Code: 60. DB::Exception: Table gone does not exist. (UNKNOWN_TABLE)'
            : refusal,
        )
      },
    })
    const insert = chdbRawInsertOf(client)
    const fenced = await insert?.(PARAMS).catch((err: unknown) => err)
    expect(fenced).toMatchObject({ code: '469', type: 'VIOLATED_CONSTRAINT' })
    expect(isFenceRefusal(fenced)).toBe(true)
    const missing = await insert?.({ ...PARAMS, table: 'gone' }).catch((err: unknown) => err)
    expect(classifyClickHouseError(missing)).toEqual({ kind: 'permanent', code: 'UNKNOWN_TABLE' })
    const other = await insert?.({ ...PARAMS, table: 'x' }).catch((err: unknown) => err)
    expect((other as Error).cause).toBeInstanceOf(Error)
  })

  it('leaves an error without a ClickHouse exception as it is (retriable)', async () => {
    const client = {} as ClickHouseClient
    const stalled = chdbInsertError('native worker stalled')
    registerChdbRawInsert(client, {
      rawInsert: async () => {
        throw stalled
      },
    })
    const err = await chdbRawInsertOf(client)?.(PARAMS).catch((e: unknown) => e)
    expect(err).toBe(stalled)
    expect(classifyClickHouseError(err).kind).toBe('retriable')
  })
})
