import {
  CurrencyRateStore,
  importRatesFile,
  migrate,
  RatesFileError,
  readRatesFile,
} from '@adpulse/clickhouse'
import type { CommandIo } from './backtest-command.ts'
import { openClickHouse, where } from './clickhouse-access.ts'
import { commandConfig } from './command-config.ts'
import { parseRatesArgs } from './rates-args.ts'

/**
 * `adpulse rates import FILE`: validates a rates file (YAML or JSON of currency →
 * { day → rate }) and writes it to currency_rates, creating the tables when the
 * database has none yet. Processors pick the rates up at their next refresh
 * (ADPULSE_RATES_REFRESH), or at once for an event that needs one. Exit code 2
 * for bad arguments or a bad file (nothing is imported), 1 when configuration or
 * ClickHouse fail.
 */
export async function ratesCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const fail = (message: string, code: number): number => {
    io.stderr.write(`adpulse rates: ${message}\n`)
    return code
  }
  const parsed = parseRatesArgs(argv)
  if (!parsed.ok) return fail(`${parsed.error}\n(adpulse rates --help shows the usage)`, 2)
  const { file } = parsed

  const configured = commandConfig(io.env)
  if (!configured.ok) return fail(configured.error, 1)
  const { config } = configured

  // Checked before ClickHouse is opened: a bad file is answered at once, even while chDB is held.
  try {
    await readRatesFile(file, config.reportingCurrency)
  } catch (err) {
    if (err instanceof RatesFileError) return fail(`${err.message}\nnothing imported`, 2)
    throw err
  }

  const opened = await openClickHouse(config.clickhouse)
  if (!opened.ok) return fail(opened.error, 1)
  const { client } = opened
  const { database, cluster, rawRetentionMs } = config.clickhouse
  try {
    await migrate(client, database, { cluster, rawRetentionSeconds: Math.ceil(rawRetentionMs / 1000) })
    const imported = await importRatesFile(
      new CurrencyRateStore(client, database),
      file,
      config.reportingCurrency,
    )
    io.stdout.write(
      `imported ${imported.rates} rate${imported.rates === 1 ? '' : 's'} ` +
        `(${imported.currencies.join(', ')} → ${config.reportingCurrency}) ` +
        `into ${database}.currency_rates on ${where(config.clickhouse)}; processors use them within ` +
        `${config.processor.ratesRefreshMs / 1000}s (ADPULSE_RATES_REFRESH), at once for an event that needs one\n`,
    )
    return 0
  } catch (err) {
    if (err instanceof RatesFileError) return fail(`${err.message}\nnothing imported`, 2)
    return fail(`failed: ${err instanceof Error ? err.message : String(err)}`, 1)
  } finally {
    await client.close()
  }
}
