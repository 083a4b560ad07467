import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client'

/**
 * What every store shares: one client, one database, rows in and out as JSON
 * objects (JSONEachRow). Each store owns its tables' SQL and the mapping of its
 * rows; this owns only the round trip.
 */
export abstract class DatabaseStore {
  constructor(
    protected readonly client: ClickHouseClient,
    protected readonly database: string,
  ) {}

  /** Inserts rows into a table of the database as one INSERT; sends nothing when there are none. */
  protected async insertRows(
    table: string,
    rows: readonly Record<string, unknown>[],
    settings?: ClickHouseSettings,
  ): Promise<void> {
    if (rows.length === 0) return
    await this.client.insert({
      table: `${this.database}.${table}`,
      format: 'JSONEachRow',
      values: rows,
      ...(settings === undefined ? {} : { clickhouse_settings: settings }),
    })
  }

  /** The rows a query answers, as JSON objects. */
  protected async select<T = Record<string, unknown>>(
    query: string,
    queryParams?: Record<string, unknown>,
  ): Promise<T[]> {
    const result = await this.client.query({
      query,
      format: 'JSONEachRow',
      ...(queryParams === undefined ? {} : { query_params: queryParams }),
    })
    return result.json<T>()
  }
}
