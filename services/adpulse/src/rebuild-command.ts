import { BucketRepair, type DayRebuilt, migrate } from '@adpulse/clickhouse'
import type { CommandIo } from './backtest-command.ts'
import { openClickHouse, where } from './clickhouse-access.ts'
import { commandConfig } from './command-config.ts'
import { createProgressReporter } from './progress-bar.ts'
import { isoDay, parseRebuildArgs, rebuildDays } from './rebuild-args.ts'

/**
 * `adpulse rebuild --from DAY --to DAY`: recomputes the minute buckets
 * (kpi_buckets) of whole UTC days from the raw events (events_raw), a day at a
 * time, with a progress bar on stderr and a line per day on stdout. Safe while
 * the pipeline runs against a ClickHouse server, and to repeat. Exit code 2 for
 * a bad argument, 1 when configuration or ClickHouse fail.
 */
export async function rebuildCommand(
  argv: readonly string[],
  io: CommandIo,
  now: () => number = Date.now,
): Promise<number> {
  const fail = (message: string, code: number): number => {
    io.stderr.write(`adpulse rebuild: ${message}\n`)
    return code
  }
  const parsed = parseRebuildArgs(argv)
  if (!parsed.ok) return fail(`${parsed.error}\n(adpulse rebuild --help shows the usage)`, 2)

  const configured = commandConfig(io.env)
  if (!configured.ok) return fail(configured.error, 1)
  const { config } = configured
  const range = rebuildDays(parsed.args, now(), config.clickhouse.rawRetentionMs)
  if (!range.ok) return fail(range.error, 2)

  const opened = await openClickHouse(config.clickhouse)
  if (!opened.ok) return fail(opened.error, 1)
  const { client } = opened
  const progress = createProgressReporter(io.stderr, 'rebuild', 'days')
  try {
    // The tables the pipeline would create: a rebuild may be the first thing run after an upgrade.
    await migrate(client, config.clickhouse.database, {
      cluster: config.clickhouse.cluster,
      rawRetentionSeconds: Math.ceil(config.clickhouse.rawRetentionMs / 1000),
    })
    io.stderr.write(
      `rebuild: ${range.days.length} days, ${isoDay(parsed.args.from)} to ${isoDay(parsed.args.to - 1)}, ` +
        `over ${where(config.clickhouse)}, database ${config.clickhouse.database}\n`,
    )
    const repair = new BucketRepair(client, config.clickhouse.database)
    const rebuilt: DayRebuilt[] = []
    progress.update(0, range.days.length)
    for (const day of range.days) {
      rebuilt.push(await repair.rebuildDay(day))
      progress.update(rebuilt.length, range.days.length)
    }
    progress.finish()
    io.stdout.write(formatRebuilt(rebuilt))
    return 0
  } catch (err) {
    progress.finish()
    return fail(`failed: ${err instanceof Error ? err.message : String(err)}`, 1)
  } finally {
    await client.close()
  }
}

/** One line per day and a total: `2026-11-20  events 1,204  buckets 310`. */
export function formatRebuilt(days: readonly DayRebuilt[]): string {
  const n = (x: number) => x.toLocaleString('en-US')
  const lines = days.map(
    (d) =>
      `${isoDay(d.day)}  events ${n(d.events)}  buckets ${n(d.buckets)}` +
      (d.attempts > 1 ? `  (${d.attempts} attempts: events of the day arrived meanwhile)` : ''),
  )
  const events = days.reduce((sum, d) => sum + d.events, 0)
  const buckets = days.reduce((sum, d) => sum + d.buckets, 0)
  lines.push(`rebuilt ${days.length} days from ${n(events)} events into ${n(buckets)} buckets`)
  return `${lines.join('\n')}\n`
}
