import { type ClickHouseClient, createClickHouse, migrate } from '@adpulse/clickhouse'

/** Embedded chDB in `chdbPath` (one data directory per process), as the benchmarks open it. */
export const openEmbeddedChdb = (chdbPath: string): Promise<ClickHouseClient> =>
  createClickHouse({ url: undefined, user: 'default', password: '', chdbPath })

/** Embedded chDB with `database` migrated to the product's current schema. */
export async function openMigratedChdb(chdbPath: string, database: string): Promise<ClickHouseClient> {
  const client = await openEmbeddedChdb(chdbPath)
  await migrate(client, database)
  return client
}
