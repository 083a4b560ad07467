import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CurrencyRateStore, importRatesFile, KpiStore } from '@adpulse/clickhouse'
import type { AdEvent } from '@adpulse/events'
import { createRegistry, type Registry } from '@adpulse/observability'
import { anEvent, pollUntil, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codec, logger, processorRig } from '../test/processor-rig.ts'
import { CurrencyRates } from './currency-rates.ts'

/**
 * Money in other currencies through the real processor, broker and ClickHouse:
 * rates imported with the CLI's function, sums checked against a reference the
 * test computes itself (bigint, half to even), the originals kept in events_raw,
 * a missing rate on the dead-letter topic while its neighbours count, and rates
 * imported while the processor runs picked up without a restart.
 */
const CPC_MICROS = 1_200_000n
const PRICING = {
  channels: new Map([['search', { model: 'CPC' as const, rate_micros: CPC_MICROS }]]),
  campaigns: new Map(),
}
const DAY_MS = 86_400_000
/** Event times: a minute ago, and the same time yesterday (a day with other rates). */
const NOW = Date.now()
const TODAY = NOW - 60_000
const YESTERDAY = TODAY - DAY_MS
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

const RATES: Record<string, Record<string, string>> = {
  EUR: { [dayOf(TODAY)]: '1.0842', [dayOf(YESTERDAY)]: '1.0799' },
  JPY: { [dayOf(TODAY)]: '0.0066', [dayOf(YESTERDAY)]: '0.00658' },
}

/** A click of today in campaign c1, priced by CPC unless it carries its own cost. */
function event(id: string, over: Partial<AdEvent> = {}): AdEvent {
  return anEvent({
    event_id: id,
    occurred_at: TODAY,
    received_at: NOW,
    cost_micros: null,
    source: 'it',
    ...over,
  })
}

/** The test's own reference: `micros × rate`, the rate read digit by digit, rounded half to even. */
function reference(micros: bigint, currency: string, occurredAt: number): bigint {
  if (currency === 'USD') return micros
  const text = RATES[currency]?.[dayOf(occurredAt)] ?? LATE_RATES[currency]?.[dayOf(occurredAt)]
  if (text === undefined) throw new Error(`no reference rate for ${currency}`)
  const [whole = '', fraction = ''] = text.split('.')
  const numerator = micros * BigInt(whole + fraction)
  const denominator = 10n ** BigInt(fraction.length)
  const quotient = numerator / denominator
  const remainder = numerator - quotient * denominator
  if (remainder * 2n > denominator) return quotient + 1n
  if (remainder * 2n === denominator) return quotient % 2n === 0n ? quotient : quotient + 1n
  return quotient
}
const LATE_RATES: Record<string, Record<string, string>> = { GBP: { [dayOf(TODAY)]: '1.2701' } }

/** One test's own topics, group and database, with the rates store and a dead-letter reader. */
function pipeline(prefix: string) {
  const r = processorRig(prefix, { partitions: 2, readDeadLetters: true })
  const { config } = r
  let dir: string
  return {
    config,
    letters: r.letters,
    get client() {
      return r.client
    },
    get rateStore() {
      return new CurrencyRateStore(r.client, config.clickhouse.database)
    },
    async open() {
      await r.open()
      dir = await mkdtemp(join(tmpdir(), 'currency-it-'))
      r.onClose(() => rm(dir, { recursive: true, force: true }))
    },
    close: () => r.close(),
    /** Writes a rates file and imports it as `adpulse rates import` does. */
    async importRates(rates: Record<string, Record<string, string>>) {
      const file = join(dir, `${uniqueName('rates')}.json`)
      await writeFile(file, JSON.stringify(rates))
      return importRatesFile(this.rateStore, file, config.reportingCurrency)
    },
    send: r.send,
    resend: (values: Buffer[], key: string) =>
      r.producer.send(
        r.topic,
        values.map((value) => ({ key, value })),
      ),
    async start(registry: Registry, rateOptions: { refreshMs: number; missRereadIntervalMs?: number }) {
      const rates = await CurrencyRates.start({
        store: this.rateStore,
        reportingCurrency: config.reportingCurrency,
        logger,
        registry,
        ...rateOptions,
      })
      r.onClose(() => rates.stop())
      return r.start({ registry, pricing: PRICING, rates })
    },
    /** Waits until events_raw holds `count` rows, then reads the sums per campaign. */
    async counted(count: number) {
      await pollUntil(
        async () => {
          const result = await r.client.query({
            query: `SELECT count() AS n FROM ${config.clickhouse.database}.events_raw`,
            format: 'JSONEachRow',
          })
          const [row] = await result.json<{ n: unknown }>()
          return Number(row?.n)
        },
        (n) => n >= count,
        { what: `${count} events written` },
      )
      const kpis = new KpiStore(r.client, config.clickhouse.database)
      const rows = await kpis.sums({ from: YESTERDAY - 3_600_000, to: NOW + 3_600_000 }, 'campaign')
      return new Map(rows.map((r) => [r.campaign_id, { spend: r.spend_micros, revenue: r.revenue_micros }]))
    },
    async raw() {
      const result = await r.client.query({
        query: `SELECT event_id, currency, original_currency, toString(cost_micros) AS cost,
            toString(original_cost_micros) AS original_cost, toString(value_micros) AS value,
            toString(original_value_micros) AS original_value
          FROM ${config.clickhouse.database}.events_raw ORDER BY event_id`,
        format: 'JSONEachRow',
      })
      return result.json<Record<string, string | null>>()
    },
  }
}

const deadLettersOf = async (registry: Registry, reason: string) =>
  (await registry.getSingleMetric('adpulse_dead_letters_total')?.get())?.values.find(
    (v) => v.labels.stage === 'processor' && v.labels.reason === reason,
  )?.value

describe('processor: currencies', () => {
  const p = pipeline('currency')
  beforeAll(() => p.open())
  afterAll(() => p.close())

  it('converts EUR and JPY at their event day, keeps the originals, and dead-letters a missing rate while its neighbours count', async () => {
    expect(await p.importRates(RATES)).toEqual({ rates: 4, currencies: ['EUR', 'JPY'] })

    const conversion = (id: string, currency: string, value: bigint, over: Partial<AdEvent> = {}) =>
      event(id, { type: 'conversion', action: 'purchase', currency, value_micros: value, ...over })
    const events: AdEvent[] = [
      // explicit costs in EUR and JPY, today and yesterday; amounts chosen to hit rounding
      event('e01', { currency: 'EUR', cost_micros: 2_500_001n }),
      event('e02', { currency: 'EUR', cost_micros: 1_234_567n, occurred_at: YESTERDAY }),
      event('e03', { currency: 'JPY', cost_micros: 7_500n }),
      event('e04', { currency: 'JPY', cost_micros: 150_000_000n, occurred_at: YESTERDAY }),
      // priced by CPC, in the reporting currency whatever the event's: no rate needed
      event('e05', { currency: 'EUR' }),
      event('e06'),
      conversion('e07', 'EUR', 40_000_000n),
      conversion('e08', 'JPY', 12_345_678_901n, { campaign_id: 'c2' }),
      conversion('e09', 'JPY', 2_500n, { campaign_id: 'c2', cost_micros: 1_250n, occurred_at: YESTERDAY }),
      conversion('e10', 'USD', 9_000_000n, { campaign_id: 'c2' }),
      // no GBP rate at all, and no EUR rate two days ago: dead letters between counted neighbours
      event('e11', { currency: 'GBP', cost_micros: 1_000_000n }),
      conversion('e12', 'EUR', 5_000_000n, { occurred_at: YESTERDAY - DAY_MS, campaign_id: 'c2' }),
      event('e13', { currency: 'EUR', cost_micros: 3_000_000n }),
      conversion('e14', 'EUR', 1n, { campaign_id: 'c2' }),
    ]
    await p.send(events)
    const registry = createRegistry('processor')
    await p.start(registry, { refreshMs: 3_600_000 })

    const missing = new Set(['e11', 'e12'])
    const counted = events.filter((e) => !missing.has(e.event_id))
    const expected = new Map<string, { spend: bigint; revenue: bigint }>()
    for (const e of counted) {
      const spend =
        e.cost_micros !== null
          ? reference(e.cost_micros, e.currency, e.occurred_at)
          : e.type === 'click'
            ? CPC_MICROS
            : 0n
      const revenue = e.value_micros === null ? 0n : reference(e.value_micros, e.currency, e.occurred_at)
      const sums = expected.get(e.campaign_id) ?? { spend: 0n, revenue: 0n }
      expected.set(e.campaign_id, { spend: sums.spend + spend, revenue: sums.revenue + revenue })
    }
    expect(await p.counted(counted.length)).toEqual(expected)

    const raw = new Map((await p.raw()).map((r) => [r.event_id, r]))
    expect(raw.size).toBe(counted.length)
    for (const e of counted) {
      expect(raw.get(e.event_id), e.event_id).toEqual({
        event_id: e.event_id,
        currency: 'USD',
        original_currency: e.currency,
        cost:
          e.cost_micros !== null
            ? String(reference(e.cost_micros, e.currency, e.occurred_at))
            : String(e.type === 'click' ? CPC_MICROS : 0n),
        original_cost: e.cost_micros === null ? null : String(e.cost_micros),
        value: String(e.value_micros === null ? 0n : reference(e.value_micros, e.currency, e.occurred_at)),
        original_value: String(e.value_micros ?? 0n),
      })
    }

    const letters = await pollUntil(
      async () => p.letters.filter((l) => l.reason === 'missing_rate'),
      (seen) => seen.length >= 2,
      { what: 'two missing_rate dead letters' },
    )
    const decoded = letters.map((l) => codec.decode(Buffer.from(String(l.value_base64), 'base64')).event_id)
    expect(decoded.sort()).toEqual(['e11', 'e12'])
    for (const letter of letters) {
      expect(letter).toMatchObject({
        reason: 'missing_rate',
        stage: 'processor',
        topic: p.config.kafka.topics.events,
        partition: expect.any(Number),
        offset: expect.stringMatching(/^\d+$/),
      })
    }
    expect(letters.map((l) => l.detail).sort()).toEqual([
      `no EUR rate for ${dayOf(YESTERDAY - DAY_MS)} (the UTC day of occurred_at) in currency_rates`,
      `no GBP rate for ${dayOf(TODAY)} (the UTC day of occurred_at) in currency_rates`,
    ])
    expect(await deadLettersOf(registry, 'missing_rate')).toBe(2)
  })
})

describe('processor: rates imported while it runs', () => {
  const p = pipeline('rates_live')
  beforeAll(() => p.open())
  afterAll(() => p.close())

  it('picks up a new rate at the periodic refresh, without a restart, and counts the replayed dead letter once', async () => {
    await p.importRates({ EUR: RATES.EUR as Record<string, string> })
    const registry = createRegistry('processor')
    // The miss re-read is held off for an hour: only the periodic refresh can bring the GBP rate.
    await p.start(registry, { refreshMs: 1000, missRereadIntervalMs: 3_600_000 })
    const gbp = event('g1', { currency: 'GBP', cost_micros: 10_000_000n, campaign_id: 'g' })
    await p.send([gbp, event('g0', { campaign_id: 'g' })])
    const [letter] = await pollUntil(
      async () => p.letters.filter((l) => l.reason === 'missing_rate'),
      (seen) => seen.length >= 1,
      { what: 'the GBP event on the dead-letter topic' },
    )
    const loaded = async () =>
      (await registry.getSingleMetric('adpulse_processor_rates')?.get())?.values[0]?.value ?? 0
    expect(await loaded()).toBe(2)

    await p.importRates(LATE_RATES)
    await pollUntil(loaded, (n) => n === 3, { what: 'the GBP rate loaded by the periodic refresh' })

    // The dead letter replayed as it is: converted at the new rate, counted once.
    await p.resend([Buffer.from(String(letter?.value_base64), 'base64')], 'g')
    await p.send([event('g2', { currency: 'GBP', cost_micros: 1n, campaign_id: 'g' })])
    const sums = await p.counted(3)
    expect(sums.get('g')?.spend).toBe(
      CPC_MICROS + reference(10_000_000n, 'GBP', TODAY) + reference(1n, 'GBP', TODAY),
    )
  })
})

describe('processor: a rate imported just now', () => {
  const p = pipeline('rates_now')
  beforeAll(() => p.open())
  afterAll(() => p.close())

  it('applies at once, through the re-read a missing rate triggers, long before the periodic refresh', async () => {
    const registry = createRegistry('processor')
    await p.start(registry, { refreshMs: 3_600_000 })
    await p.importRates({ JPY: { [dayOf(TODAY)]: '0.0066' } })
    await p.send([event('j1', { currency: 'JPY', cost_micros: 1_000_000_000n, campaign_id: 'j' })])
    const sums = await p.counted(1)
    // 1000 JPY × 0.0066
    expect(sums.get('j')?.spend).toBe(6_600_000n)
    expect(p.letters).toEqual([])
  })
})
