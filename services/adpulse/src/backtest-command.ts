import { constants } from 'node:fs'
import { access, readFile, stat } from 'node:fs/promises'
import { KpiStore } from '@adpulse/clickhouse'
import type { Env } from '@adpulse/config'
import { type Rule, rulesInForce } from '@adpulse/rules'
import { runBacktest } from './backtest.ts'
import { parseBacktestArgs } from './backtest-args.ts'
import { formatJsonLines, formatTable } from './backtest-report.ts'
import { clickHouseErrorType, openClickHouse, where } from './clickhouse-access.ts'
import { commandConfig } from './command-config.ts'
import { createProgressReporter, type ProgressSink } from './progress-bar.ts'

export interface CommandIo {
  /** The report: a table, or JSON lines with --json. */
  stdout: { write(text: string): unknown }
  /** Errors, the run's header and the progress bar, so stdout stays parseable. */
  stderr: ProgressSink
  /** The environment to configure from; default the process's (read by config.ts only). */
  env?: Env
}

/**
 * `adpulse backtest`: reads configuration (ClickHouse and the rules), replays the
 * stored minute buckets and prints what the rules would have done. Talks to
 * ClickHouse only, read-only; never starts or touches Kafka. Exit code 2 for a
 * bad argument, 1 when configuration, the rules in force or ClickHouse fail.
 */
export async function backtestCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const fail = (message: string, code: number): number => {
    io.stderr.write(`adpulse backtest: ${message}\n`)
    return code
  }
  const parsed = parseBacktestArgs(argv)
  if (!parsed.ok) return fail(`${parsed.error}\n(adpulse backtest --help shows the usage)`, 2)
  const { args } = parsed

  const configured = commandConfig(io.env)
  if (!configured.ok) return fail(configured.error, 1)
  const { config } = configured

  if (args.rulesFile !== undefined) {
    const problem = await unreadable(args.rulesFile)
    if (problem !== undefined) return fail(`--rules: cannot read ${args.rulesFile}: ${problem}`, 2)
  }
  let rules: Rule[]
  try {
    // The alerter's own loading and validation (rulesInForce), so a file that passes here runs there.
    rules = await rulesInForce(
      { ...config.alerter, rulesFile: args.rulesFile ?? config.alerter.rulesFile },
      (path) => readFile(path, 'utf8'),
    )
  } catch (err) {
    const flag = args.rulesFile === undefined ? 'rules in force' : '--rules'
    return fail(`${flag}: ${(err as Error).message}`, args.rulesFile === undefined ? 1 : 2)
  }

  const longest = Math.max(...rules.map((r) => r.windowMs))
  if (args.from - longest < 0) {
    return fail(`--from: the rules' ${longest / 60_000}m window would start before 1970-01-01`, 2)
  }

  const opened = await openClickHouse(config.clickhouse)
  if (!opened.ok) return fail(opened.error, 1)
  const { client } = opened
  const progress = createProgressReporter(io.stderr)
  try {
    const source = args.rulesFile ?? config.alerter.rulesFile ?? 'the default rules'
    io.stderr.write(
      `backtest: ${rules.length} rules from ${source} over ${where(config.clickhouse)}, ` +
        `database ${config.clickhouse.database}\n`,
    )
    const result = await runBacktest({
      kpis: new KpiStore(client, config.clickhouse.database),
      rules,
      from: args.from,
      to: args.to,
      stepMs: args.stepMs,
      onProgress: (done, total) => progress.update(done, total),
    })
    progress.finish()
    io.stdout.write(args.json ? formatJsonLines(result) : formatTable(result))
    return 0
  } catch (err) {
    progress.finish()
    const type = clickHouseErrorType(err)
    if (type === 'UNKNOWN_DATABASE' || type === 'UNKNOWN_TABLE') {
      return fail(
        `no adpulse tables in database ${config.clickhouse.database} on ${where(config.clickhouse)} ` +
          '(CLICKHOUSE_DATABASE): the pipeline creates them when it first starts',
        1,
      )
    }
    return fail(`failed: ${err instanceof Error ? err.message : String(err)}`, 1)
  } finally {
    await client.close()
  }
}

/** Why a file cannot be read, from its error code; undefined when it can. */
async function unreadable(file: string): Promise<string | undefined> {
  try {
    if (!(await stat(file)).isFile()) return 'not a file'
    await access(file, constants.R_OK)
    return undefined
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code)
  }
}
