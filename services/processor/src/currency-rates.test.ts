import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StoredRate } from '@adpulse/clickhouse'
import { createLogger, createRegistry, type Registry } from '@adpulse/observability'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CurrencyRates } from './currency-rates.ts'

const logger = createLogger('rates-test', { level: 'silent' })
const NOV_22 = Date.UTC(2026, 10, 22, 12)
const eur = { currency: 'EUR', occurred_at: NOV_22, cost_micros: 1n, value_micros: null }

/** currency_rates in memory, counting the reads. */
function fakeStore(initial: StoredRate[] = []) {
  const rows = [...initial]
  return {
    rows,
    reads: 0,
    failing: false,
    async readAll() {
      this.reads++
      if (this.failing) throw new Error('injected: ClickHouse down')
      return [...rows]
    },
    async upsert(rates: readonly StoredRate[]) {
      for (const rate of rates) {
        const i = rows.findIndex((r) => r.currency === rate.currency && r.day === rate.day)
        if (i >= 0) rows.splice(i, 1)
        rows.push(rate)
      }
    },
  }
}

const refreshes = async (registry: Registry) =>
  Object.fromEntries(
    ((await registry.getSingleMetric('adpulse_processor_rate_refreshes_total')?.get())?.values ?? []).map(
      (v) => [v.labels.result, v.value],
    ),
  )

describe('CurrencyRates', () => {
  let running: CurrencyRates | undefined
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: NOV_22 }))
  afterEach(async () => {
    await running?.stop()
    vi.useRealTimers()
  })

  it('reads the table at start and picks up an import at the next refresh, without a restart', async () => {
    const store = fakeStore([{ currency: 'EUR', day: '2026-11-22', rate: '1.0842' }])
    const registry = createRegistry('t')
    running = await CurrencyRates.start({
      store,
      reportingCurrency: 'USD',
      refreshMs: 60_000,
      logger,
      registry,
    })
    expect(running.current().get('EUR')?.get('2026-11-22')).toEqual({
      numerator: 10842n,
      denominator: 10000n,
    })

    await store.upsert([
      { currency: 'EUR', day: '2026-11-22', rate: '1.1' },
      { currency: 'JPY', day: '2026-11-22', rate: '0.0066' },
    ])
    await vi.advanceTimersByTimeAsync(59_999)
    expect(running.current().has('JPY')).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(running.current().get('EUR')?.get('2026-11-22')).toEqual({ numerator: 11n, denominator: 10n })
    expect(running.current().has('JPY')).toBe(true)
    expect(await refreshes(registry)).toEqual({ ok: 2, error: 0, file_error: 0 })
  })

  it('keeps the rates in force when a refresh fails', async () => {
    const store = fakeStore([{ currency: 'EUR', day: '2026-11-22', rate: '1.0842' }])
    const registry = createRegistry('t')
    running = await CurrencyRates.start({
      store,
      reportingCurrency: 'USD',
      refreshMs: 1000,
      logger,
      registry,
    })
    store.failing = true
    await vi.advanceTimersByTimeAsync(1000)
    expect(running.current().get('EUR')?.has('2026-11-22')).toBe(true)
    expect(await refreshes(registry)).toMatchObject({ ok: 1, error: 1 })
    // and the schedule goes on
    store.failing = false
    await vi.advanceTimersByTimeAsync(1000)
    expect(await refreshes(registry)).toMatchObject({ ok: 2, error: 1 })
  })

  it('re-reads once for a missing rate, at most once a second, and not at all when nothing is missing', async () => {
    const store = fakeStore()
    running = await CurrencyRates.start({
      store,
      reportingCurrency: 'USD',
      refreshMs: 3_600_000,
      logger,
      registry: createRegistry('t'),
    })
    expect(store.reads).toBe(1)
    await running.ensure([
      { ...eur, currency: 'USD' },
      { ...eur, cost_micros: null },
    ])
    expect(store.reads).toBe(1)

    await running.ensure([eur])
    expect(store.reads).toBe(2)
    // Imported just now: the next miss within the second does not read again.
    await store.upsert([{ currency: 'EUR', day: '2026-11-22', rate: '1.0842' }])
    await running.ensure([eur])
    expect(store.reads).toBe(2)
    expect(running.current().has('EUR')).toBe(false)
    vi.setSystemTime(NOV_22 + 1000)
    await running.ensure([eur])
    expect(store.reads).toBe(3)
    expect(running.current().has('EUR')).toBe(true)
    await running.ensure([eur])
    expect(store.reads).toBe(3)
  })

  it('throws from ensure when ClickHouse fails, so the batch waits', async () => {
    const store = fakeStore()
    running = await CurrencyRates.start({
      store,
      reportingCurrency: 'USD',
      refreshMs: 3_600_000,
      logger,
      registry: createRegistry('t'),
    })
    store.failing = true
    await expect(running.ensure([eur])).rejects.toThrow('ClickHouse down')
    store.failing = false
    // A failed read is not rate-limited: the retry reads at once.
    await running.ensure([eur])
    expect(store.reads).toBe(3)
  })
})

describe('CurrencyRates: ADPULSE_RATES_FILE', () => {
  let dir: string
  let running: CurrencyRates | undefined
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rates-'))
  })
  afterEach(async () => {
    await running?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('imports the file at start, again when it changes, and refuses a broken one whole', async () => {
    const file = join(dir, 'rates.yaml')
    await writeFile(file, 'EUR:\n  2026-11-22: 1.0842\n')
    const store = fakeStore()
    const registry = createRegistry('t')
    running = await CurrencyRates.start({
      store,
      reportingCurrency: 'USD',
      refreshMs: 3_600_000,
      file,
      logger,
      registry,
    })
    expect(running.current().get('EUR')?.get('2026-11-22')).toEqual({
      numerator: 10842n,
      denominator: 10000n,
    })

    await writeFile(file, 'EUR:\n  2026-11-22: 1.0842\n  2026-11-23: "1.1"\n')
    await running.refresh()
    expect(running.current().get('EUR')?.has('2026-11-23')).toBe(true)

    await writeFile(file, 'EUR:\n  2026-11-24: nope\n  2026-11-25: "1.2"\n')
    await running.refresh()
    expect(running.current().get('EUR')?.has('2026-11-25')).toBe(false)
    expect(await refreshes(registry)).toMatchObject({ file_error: 1 })
  })

  it('refuses to start on a broken file', async () => {
    const file = join(dir, 'rates.json')
    await writeFile(file, '{"EUR": {"2026-11-22": "-1"}}')
    await expect(
      CurrencyRates.start({
        store: fakeStore(),
        reportingCurrency: 'USD',
        refreshMs: 60_000,
        file,
        logger,
        registry: createRegistry('t'),
      }),
    ).rejects.toThrow('rates.EUR.2026-11-22: expected a positive decimal string')
  })
})
