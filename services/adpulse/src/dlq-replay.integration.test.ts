import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CurrencyRateStore, importRatesFile } from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'
import { type AdEvent, createEventCodec } from '@adpulse/events'
import { createLogger } from '@adpulse/observability'
import { attachProcessor } from '@adpulse/processor'
import { type RunningProcess, runProcess } from '@adpulse/runtime'
import { pollUntil, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dlqCommand } from './dlq-command.ts'

/**
 * End to end with a real processor: an event without its rate becomes a
 * missing_rate dead letter; after the rate is imported, `adpulse dlq replay`
 * sends it back, the processor counts it once at the new rate, and a second
 * replay counts nothing more (the processor's dedup).
 */
const logger = createLogger('dlq-replay-it', { level: 'silent' })
const codec = createEventCodec()
const NOW = Date.now()
const DAY = new Date(NOW).toISOString().slice(0, 10)

const event = (id: string, over: Partial<AdEvent> = {}): AdEvent => ({
  event_id: id,
  type: 'click',
  occurred_at: NOW - 60_000,
  channel: 'search',
  campaign_id: 'c-replay',
  ad_id: null,
  click_id: null,
  cost_micros: 1_000_000n,
  value_micros: null,
  action: null,
  currency: 'USD',
  user_id: null,
  source: 'it',
  received_at: NOW - 30_000,
  ...over,
})

describe('adpulse dlq replay through a real processor', () => {
  const id = uniqueName('dlq_e2e')
  // Rates re-read every second: the replay waits until the processor holds the imported rate.
  const env = testEnvironment(id, { ADPULSE_EVENTS_PARTITIONS: '1', ADPULSE_RATES_REFRESH: '1s' })
  const config = loadConfig(env)
  const database = config.clickhouse.database
  let running: RunningProcess
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlq-e2e-'))
    running = await runProcess({
      name: id,
      config,
      logger,
      services: [attachProcessor],
      withClickHouse: true,
    })
  })
  afterAll(async () => {
    await running?.context.clickhouse?.client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await running?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const run = async (argv: string[]) => {
    let stdout = ''
    const code = await dlqCommand(argv, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env,
    })
    return { code, stdout }
  }
  const send = (events: AdEvent[]) =>
    running.context.producer.send(
      config.kafka.topics.events,
      events.map((e) => ({ key: e.campaign_id, value: codec.encode(e) })),
    )
  const counted = async (count: number) => {
    const client = running.context.clickhouse?.client
    if (!client) throw new Error('no ClickHouse')
    return pollUntil(
      async () => {
        const result = await client.query({
          query: `SELECT event_id, toString(cost_micros) AS cost FROM ${database}.events_raw ORDER BY event_id`,
          format: 'JSONEachRow',
        })
        return result.json<{ event_id: string; cost: string }>()
      },
      (rows) => rows.length >= count,
      { what: `${count} events in events_raw` },
    )
  }

  it('counts a missing_rate event once after the rate is imported and it is replayed, twice or not', async () => {
    await send([event('usd-1'), event('gbp-1', { currency: 'GBP', cost_micros: 10_000_000n })])
    expect(await counted(1)).toEqual([{ event_id: 'usd-1', cost: '1000000' }])
    await pollUntil(
      async () => (await run(['tail', '--reason', 'missing_rate', '--json'])).stdout,
      (lines) => lines.includes('"event_id":"gbp-1"'),
      { what: 'the GBP event as a missing_rate dead letter' },
    )

    const file = join(dir, 'rates.json')
    await writeFile(file, JSON.stringify({ GBP: { [DAY]: '1.25' } }))
    const clickhouse = running.context.clickhouse
    if (!clickhouse) throw new Error('no ClickHouse')
    await importRatesFile(new CurrencyRateStore(clickhouse.client, database), file, config.reportingCurrency)

    // A replay sooner than that would find the rate still missing, and dead-letter the event again.
    await pollUntil(
      async () =>
        (await running.context.registry.getSingleMetric('adpulse_processor_rates')?.get())?.values[0]?.value,
      (loaded) => loaded === 1,
      { what: 'the GBP rate loaded by the processor' },
    )
    expect(await run(['replay', '--reason', 'missing_rate'])).toEqual({
      code: 0,
      stdout: `replayed 1 dead letter to ${config.kafka.topics.events} (missing_rate 1)\nskipped 0\n`,
    })
    expect(await counted(2)).toEqual([
      { event_id: 'gbp-1', cost: '12500000' },
      { event_id: 'usd-1', cost: '1000000' },
    ])

    // Again: dropped as a repeat. The marker behind it on the same partition shows the processor got past it.
    expect((await run(['replay', '--reason', 'missing_rate'])).stdout).toMatch(/^replayed 1 dead letter/)
    await send([event('usd-2')])
    expect(await counted(3)).toEqual([
      { event_id: 'gbp-1', cost: '12500000' },
      { event_id: 'usd-1', cost: '1000000' },
      { event_id: 'usd-2', cost: '1000000' },
    ])
  })
})
