import { type ClickHouseClient, parseError } from '@clickhouse/client'

/**
 * chDB's own insert path (`connection.chdb.rawInsert`): the payload Buffer goes
 * to the engine as it is, where @clickhouse/client's insert through the chdb
 * connection first turns the body into a string and splices it into the SQL
 * text (twice the copying, and a parse of one huge statement). Only the hot
 * insert of events_raw takes it (RawEventStore.insert); every other query keeps
 * @clickhouse/client. Registered per client by createClickHouse for embedded
 * chDB only, so a ClickHouse server, or a client wrapped by a test (a Proxy is
 * another object), keeps @clickhouse/client's insert.
 */
export interface ChdbRawInsertParams {
  table: string
  columns: readonly string[]
  format: 'TabSeparated'
  values: Buffer
  /** Sent as the INSERT's own SETTINGS clause (they apply to this insert only). */
  settings: Record<string, string | number>
}

export type ChdbRawInsert = (params: ChdbRawInsertParams) => Promise<void>

/** What createClickHouse hands over: the chdb connection's raw-insert escape hatch. */
interface ChdbExtensionLike {
  rawInsert(params: ChdbRawInsertParams): Promise<unknown>
}

const rawInserts = new WeakMap<ClickHouseClient, ChdbRawInsert>()

/**
 * Remembers the raw insert of the chdb connection under `client`: the same
 * session, so the same data directory (chDB binds one per process).
 */
export function registerChdbRawInsert(client: ClickHouseClient, chdb: ChdbExtensionLike): void {
  rawInserts.set(client, async (params) => {
    try {
      await chdb.rawInsert(params)
    } catch (err) {
      throw asClickHouseError(err)
    }
  })
}

/** The raw insert of a client createClickHouse made for embedded chDB; undefined for any other. */
export function chdbRawInsertOf(client: ClickHouseClient): ChdbRawInsert | undefined {
  return rawInserts.get(client)
}

/**
 * chDB's raw insert throws a ChdbInsertError whose message is ClickHouse's
 * (`Code: 469. DB::Exception: … (VIOLATED_CONSTRAINT)`); the connection's other
 * calls throw @clickhouse/client's ClickHouseError, with `code` and `type`
 * parsed out of it, which is what errors.ts and the writer fence read. Same
 * shape here; the chDB error stays the cause.
 */
function asClickHouseError(err: unknown): unknown {
  if (!(err instanceof Error)) return err
  const mapped = parseError(err)
  if (mapped !== err) (mapped as Error & { cause?: unknown }).cause = err
  return mapped
}
