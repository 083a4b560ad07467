import { type ClickHouseClient, createClient } from '@clickhouse/client'
import { registerChdbFileInsert } from './chdb-file-insert.ts'

export type { ClickHouseClient } from '@clickhouse/client'

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>

export interface ClickHouseOptions {
  /** A server's HTTP URL; undefined selects embedded chDB. */
  url: string | undefined
  user: string
  password: string
  /** Data directory of embedded chDB (one per process). */
  chdbPath: string
}

/**
 * One @clickhouse/client for either a ClickHouse server or embedded chDB: the
 * connection is injected, every query after this is the same code on both.
 * chDB is imported lazily, so a server deployment never loads its 560 MB library.
 */
export async function createClickHouse(options: ClickHouseOptions): Promise<ClickHouseClient> {
  if (options.url !== undefined) {
    return createClient({
      url: options.url,
      username: options.user,
      password: options.password,
      request_timeout: 30_000,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    })
  }
  const { createChdbConnection } = await import('chdb/connection')
  // chdb declares the Connection contract through its own copy of
  // @clickhouse/client-common; the shapes are the same, the declarations differ.
  const chdb = createChdbConnection({ path: options.chdbPath })
  const client = createClient({ connection: chdb as unknown as ClientConnection })
  // events_raw's insert is read by chDB from a file, on this connection's session (chdb-file-insert.ts).
  registerChdbFileInsert(client, options.chdbPath)
  return client
}

/**
 * 64-bit integers come back as JSON numbers from chDB and as strings from a
 * server (output_format_json_quote_64bit_integers); both become a number here.
 * Use only for counts that stay below 2^53; money is selected with toString().
 */
export const toCount = (value: unknown): number => Number(value)

/** Epoch ms as a DateTime64(3, 'UTC') literal: `2026-11-22 10:00:00.000`. */
export const dateTime64 = (ms: number): string =>
  new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
