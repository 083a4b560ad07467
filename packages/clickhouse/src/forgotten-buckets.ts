import { type BucketShape, insertBuckets } from './bucket-shapes.ts'
import type { Ddl } from './migration-ddl.ts'

/**
 * The buckets of forgotten people's events. Forgetting a person deletes their
 * rows from events_raw, while kpi_buckets keeps the sums they made (its rows
 * hold no ids). Without a record of those sums, `adpulse rebuild` of a day
 * would recompute its buckets from the rows left and lower the KPIs by what
 * was forgotten. So forget first writes the bucket rows of the events it is
 * about to delete here (they hold no ids either), and a rebuild adds them back.
 *
 * Step 30: the table, the same columns and engine as kpi_buckets. A later step
 * that adds a kpi_buckets column adds it here too.
 */
export const FORGOTTEN_BUCKETS_MIGRATIONS: ReadonlyArray<(db: string, ddl: Ddl) => string> = [
  (db, ddl) => `CREATE TABLE IF NOT EXISTS ${db}.kpi_forgotten${ddl.onCluster} AS ${db}.kpi_buckets`,
]

/** Writes the buckets of the events_raw rows matching `where` (before they are deleted) to kpi_forgotten. */
export const insertForgottenBuckets = (shape: BucketShape, db: string, where: string): string =>
  insertBuckets(shape, db, `${db}.kpi_forgotten`, where)

/** Copies the forgotten buckets matching `where` into `table` (a rebuild's staging table). */
export const copyForgottenBuckets = (
  shape: BucketShape,
  db: string,
  table: string,
  where: string,
): string => {
  const columns = shape.columns.join(', ')
  return `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${db}.kpi_forgotten ${where}`
}
