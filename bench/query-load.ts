import type { ClickHouseClient } from '@adpulse/clickhouse'
import { type DataPlan, tierInsert } from './query-data.ts'

export interface LoadReport {
  /** False when the database already held the plan's rows (a --data directory reused). */
  loaded: boolean
  seconds: number
  rows: number
  parts: number
  bytesOnDisk: number
}

async function one(client: ClickHouseClient, query: string): Promise<Record<string, unknown>> {
  const result = await client.query({ query, format: 'JSONEachRow' })
  return (await result.json<Record<string, unknown>>())[0] ?? {}
}

export const rowCount = async (client: ClickHouseClient, db: string): Promise<number> =>
  Number((await one(client, `SELECT count() AS n FROM ${db}.kpi_buckets`)).n)

/**
 * Loads the plan's rows into kpi_buckets (one INSERT … SELECT per tier), unless
 * they are there already, then merges each day's parts into one (OPTIMIZE
 * FINAL), as a table settles between loads in production. Fails when the
 * table holds any other count than the plan's.
 */
export async function loadBuckets(
  client: ClickHouseClient,
  db: string,
  plan: DataPlan,
  start: number,
  log: (line: string) => void,
): Promise<LoadReport> {
  const before = await rowCount(client, db)
  const started = performance.now()
  if (before !== plan.rows) {
    if (before !== 0)
      throw new Error(`${db}.kpi_buckets holds ${before} rows, neither 0 nor the plan's ${plan.rows}`)
    for (const tier of plan.tiers) {
      const t = performance.now()
      await client.command({ query: tierInsert(db, tier, Math.floor(start / 1000)) })
      log(`  ${tier.name}: ${tier.rows} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    }
    const t = performance.now()
    await client.command({ query: `OPTIMIZE TABLE ${db}.kpi_buckets FINAL` })
    log(`  OPTIMIZE FINAL in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }
  const seconds = (performance.now() - started) / 1000
  const rows = await rowCount(client, db)
  if (rows !== plan.rows) throw new Error(`kpi_buckets holds ${rows} rows, the plan ${plan.rows}`)
  const parts = await one(
    client,
    `SELECT count() AS parts, sum(bytes_on_disk) AS bytes FROM system.parts
    WHERE database = '${db}' AND table = 'kpi_buckets' AND active`,
  )
  return {
    loaded: before !== plan.rows,
    seconds,
    rows,
    parts: Number(parts.parts),
    bytesOnDisk: Number(parts.bytes),
  }
}
