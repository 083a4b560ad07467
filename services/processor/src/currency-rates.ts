import { stat } from 'node:fs/promises'
import { type CurrencyRateStore, importRatesFile, RatesFileError, type StoredRate } from '@adpulse/clickhouse'
import type { AdEvent } from '@adpulse/events'
import { Counter, Gauge, type Logger, type Registry } from '@adpulse/observability'
import { type ExactRate, missingRate, parseDecimalRate, type RatesTable } from '@adpulse/pricing'
import { type Repeating, repeatEvery } from '@adpulse/runtime'

/** What an event's conversion needs to know about it. */
export type RateNeed = Pick<AdEvent, 'currency' | 'occurred_at' | 'cost_micros' | 'value_micros'>

/** The exchange rates the processor converts with. */
export interface RateSource {
  /** The rates in memory now. */
  current(): RatesTable
  /**
   * Re-reads the rates when one of these events needs a rate memory lacks, so a
   * rate imported since the last refresh applies at once; rate-limited, so a
   * stream of events without a rate costs one query a second at most. Throws
   * when ClickHouse fails (the caller retries, as for a write).
   */
  ensure(events: readonly RateNeed[]): Promise<void>
}

/** No rates at all: every amount in another currency is a `missing_rate` dead letter. */
export const NO_RATES: RateSource = { current: () => new Map(), ensure: async () => undefined }

export interface CurrencyRatesOptions {
  store: Pick<CurrencyRateStore, 'readAll' | 'upsert'>
  reportingCurrency: string
  /** `ADPULSE_RATES_REFRESH`: time between two reads of the table. */
  refreshMs: number
  /** `ADPULSE_RATES_FILE`: imported at start, and again when it changes. */
  file?: string | undefined
  /** Least time between two re-reads for a missing rate; default 1s. */
  missRereadIntervalMs?: number
  logger: Logger
  registry: Registry
  now?: () => number
}

/**
 * currency_rates in memory, shared by every processor instance through the
 * table: read at start, every `refreshMs`, and when an event needs a rate memory
 * lacks. A read that fails keeps the rates in force.
 */
export class CurrencyRates implements RateSource {
  private table: RatesTable = new Map()
  private reading: Promise<void> | undefined
  private lastMissReread = Number.NEGATIVE_INFINITY
  private fileStamp: string | undefined
  private refreshes: Repeating | undefined
  private readonly log: Logger
  private readonly now: () => number
  private readonly missRereadIntervalMs: number
  private readonly reads: Counter<'result'>
  private readonly loaded: Gauge

  private constructor(private readonly options: CurrencyRatesOptions) {
    this.log = options.logger.child({ component: 'currency-rates' })
    this.now = options.now ?? Date.now
    this.missRereadIntervalMs = options.missRereadIntervalMs ?? 1000
    this.reads = new Counter({
      name: 'adpulse_processor_rate_refreshes_total',
      help: 'Reads of the exchange rates (currency_rates, and ADPULSE_RATES_FILE when set), by result: ok, error (ClickHouse), file_error (the file was refused).',
      labelNames: ['result'],
      registers: [options.registry],
    })
    for (const result of ['ok', 'error', 'file_error']) this.reads.inc({ result }, 0)
    this.loaded = new Gauge({
      name: 'adpulse_processor_rates',
      help: 'Exchange rates (currency and day) in the processor memory.',
      registers: [options.registry],
    })
  }

  /**
   * Imports the rates file when configured and reads the table; throws when
   * either fails, so a processor never starts without the rates it was given.
   */
  static async start(options: CurrencyRatesOptions): Promise<CurrencyRates> {
    const rates = new CurrencyRates(options)
    await rates.importFileIfChanged(true)
    await rates.reload()
    rates.log.info(
      { currencies: rates.table.size, refreshMs: options.refreshMs, file: options.file },
      'exchange rates loaded',
    )
    // refresh() never throws: it logs and keeps the rates in force.
    rates.refreshes = repeatEvery(
      options.refreshMs,
      () => rates.refresh(),
      () => undefined,
    )
    return rates
  }

  current(): RatesTable {
    return this.table
  }

  async ensure(events: readonly RateNeed[]): Promise<void> {
    const { reportingCurrency } = this.options
    const lacking = events.some((event) => missingRate(event, reportingCurrency, this.table) !== null)
    if (!lacking) return
    if (this.reading) return this.reading
    if (this.now() - this.lastMissReread < this.missRereadIntervalMs) return
    await this.reload()
    this.lastMissReread = this.now()
  }

  /** One scheduled refresh: the file when it changed, then the table. Never throws. */
  async refresh(): Promise<void> {
    try {
      await this.importFileIfChanged(false)
      await this.reload()
    } catch (err) {
      this.log.warn({ err }, 'exchange rates not refreshed; the rates in force stay')
    }
  }

  /** No further refresh starts; resolves once the one in flight has ended. */
  async stop(): Promise<void> {
    await this.refreshes?.stop()
  }

  /** Reads the table; concurrent callers share one read. */
  private reload(): Promise<void> {
    this.reading ??= this.options.store
      .readAll()
      .then(
        (rows) => {
          this.table = toTable(rows, this.log)
          this.loaded.set(rows.length)
          this.reads.inc({ result: 'ok' })
        },
        (err: unknown) => {
          this.reads.inc({ result: 'error' })
          throw err
        },
      )
      .finally(() => {
        this.reading = undefined
      })
    return this.reading
  }

  private async importFileIfChanged(atStart: boolean): Promise<void> {
    const { file } = this.options
    if (file === undefined) return
    let stamp: string
    try {
      const info = await stat(file)
      stamp = `${info.mtimeMs}/${info.size}`
    } catch (err) {
      if (atStart) throw new Error(`ADPULSE_RATES_FILE: cannot read ${file}: ${(err as Error).message}`)
      this.reads.inc({ result: 'file_error' })
      this.log.error({ err, file }, 'rates file unreadable; the rates in force stay')
      return
    }
    if (stamp === this.fileStamp) return
    try {
      const imported = await importRatesFile(this.options.store, file, this.options.reportingCurrency)
      this.fileStamp = stamp
      this.log.info({ file, ...imported }, 'rates file imported')
    } catch (err) {
      if (atStart) throw err
      if (!(err instanceof RatesFileError)) {
        // ClickHouse did not take it: tried again at the next refresh.
        this.reads.inc({ result: 'error' })
        throw err
      }
      // Not tried again until it changes: a broken file is reported once per change.
      this.fileStamp = stamp
      this.reads.inc({ result: 'file_error' })
      this.log.error({ err, file }, 'rates file refused; the rates in force stay')
    }
  }
}

function toTable(rows: readonly StoredRate[], log: Logger): RatesTable {
  const table = new Map<string, Map<string, ExactRate>>()
  for (const row of rows) {
    const rate = parseDecimalRate(row.rate)
    if (rate === undefined) {
      // Only a hand-written row of 0 can get here: the import refuses it.
      log.warn({ currency: row.currency, day: row.day, rate: row.rate }, 'unusable rate ignored')
      continue
    }
    const days = table.get(row.currency) ?? new Map<string, ExactRate>()
    days.set(row.day, rate)
    table.set(row.currency, days)
  }
  return table
}
