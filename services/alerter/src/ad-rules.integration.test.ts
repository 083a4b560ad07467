import {
  AlerterStateStore,
  type ClickHouseClient,
  createClickHouse,
  KpiStore,
  migrate,
  ProgressStore,
  type RawEventRow,
  RawEventStore,
  SignalStore,
} from '@adpulse/clickhouse'
import { type AdpulseConfig, loadConfig } from '@adpulse/config'
import { createSignalCodec, type Signal } from '@adpulse/events'
import { createKafkaClient, type KafkaClient, type Producer } from '@adpulse/kafka'
import { createLogger, createRegistry } from '@adpulse/observability'
import { parseRules } from '@adpulse/rules'
import { builtInCatalog } from '@adpulse/schema-registry'
import { pollUntil, testClickHouse, testEnvironment, uniqueName } from '@adpulse/testkit'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type RunningAlerter, startAlerter } from './alerter.ts'
import { registerSignalRoutes } from './signal-routes.ts'

/**
 * Rules of scope ad against the test run's real ClickHouse and Kafka: per-ad
 * buckets (events written to events_raw, summed by its view) where one ad of a
 * campaign is clearly worse give exactly one PAUSE_AD, on the topic and in
 * /v1/signals, with its ad; a second evaluation repeats nothing.
 */
const rules = (() => {
  const result = parseRules({
    rules: [
      {
        name: 'pause-weak-ads',
        scope: 'ad',
        action: 'PAUSE_AD',
        when: 'ctr_lift < 0',
        exit: 'ctr_lift > -0.1',
        min_evidence: { clicks: 10 },
        confidence: 0.9,
        window: '1h',
      },
      {
        name: 'promote-winners',
        scope: 'ad',
        action: 'PROMOTE_AD',
        when: 'ctr_lift > 0',
        exit: 'ctr_lift < 0.05',
        confidence: 0.9,
        window: '1h',
      },
    ],
  })
  if (!result.ok) throw new Error(result.errors.join('\n'))
  return result.rules
})()

describe('alerter with ad rules', () => {
  const id = uniqueName('alerter_ads')
  const logger = createLogger('alerter-test', { level: 'warn' })
  let config: AdpulseConfig
  let client: ClickHouseClient
  let kafka: KafkaClient
  let producer: Producer
  let alerter: RunningAlerter | undefined
  const published: Signal[] = []

  beforeAll(async () => {
    // An interval far longer than the test: the only evaluations are those the test calls.
    config = loadConfig(testEnvironment(id, { ADPULSE_ALERTER_INTERVAL: '1h' }))
    const database = config.clickhouse.database
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: id, logger })
    await kafka.ensureTopics([{ topic: config.kafka.topics.signals, partitions: 1, replicationFactor: 1 }])
    producer = await kafka.createProducer()
    const codec = createSignalCodec()
    await kafka.consume({
      groupId: `${id}-reader`,
      topics: [config.kafka.topics.signals],
      fromBeginning: true,
      onBatch: async (batch) => {
        for (const m of batch.messages) if (m.value) published.push(codec.decode(m.value))
      },
    })

    // The last 20 minutes. search/brand: ads A and C at a CTR of 20 % and 19 %, B at 2 %;
    // search/aa: two ads at the same 10 %. Clicks cost a unit, impressions nothing.
    const now = Date.now()
    const start = Math.floor(now / 60_000) * 60_000 - 20 * 60_000
    const rows: RawEventRow[] = []
    const events = (campaign: string, ad: string, impressions: number, clicks: number) => {
      for (let i = 0; i < impressions + clicks; i++) {
        const click = i < clicks
        rows.push({
          event_id: `${campaign}-${ad}-${i}`,
          source: 'web',
          type: click ? 'click' : 'impression',
          occurred_at: start + (i % 20) * 60_000 + 1_000,
          channel: 'search',
          campaign_id: campaign,
          ad_id: ad,
          action: '',
          cost_micros: click ? 1_000_000n : 0n,
          value_micros: 0n,
          currency: 'EUR',
          received_at: now,
          topic: 'history',
          partition: 0,
          offset: String(rows.length),
        })
      }
    }
    events('brand', 'A', 1_000, 200)
    events('brand', 'B', 1_000, 20)
    events('brand', 'C', 1_000, 190)
    events('aa', 'x', 500, 50)
    events('aa', 'y', 500, 50)
    await new RawEventStore(client, database).insert(rows, `history/0/0-${rows.length - 1}`)
    await new ProgressStore(client, database).record([
      {
        topic: config.kafka.topics.events,
        partition: 0,
        committedOffset: BigInt(rows.length),
        highWatermark: BigInt(rows.length),
        completeThrough: now,
        updatedAt: now,
      },
    ])
  })

  afterAll(async () => {
    await alerter?.stop()
    await producer?.disconnect()
    await kafka?.close()
    await client?.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` })
    await client?.close()
  })

  it('pauses the clearly worse ad once: on the topic and in /v1/signals, with its ad', async () => {
    const database = config.clickhouse.database
    const signalStore = new SignalStore(client, database)
    alerter = await startAlerter({
      config,
      rules,
      schemas: builtInCatalog(),
      kpis: new KpiStore(client, database),
      signals: signalStore,
      progress: new ProgressStore(client, database),
      states: new AlerterStateStore(client, database),
      producer,
      isLeader: () => true,
      logger,
      registry: createRegistry('alerter'),
    })

    const signals = await alerter.evaluate()
    expect(alerter.status().state).toBe('ok')
    expect(signals.map((s) => [s.rule, s.action, s.scope, s.channel, s.campaign_id, s.ad_id])).toEqual([
      ['pause-weak-ads', 'PAUSE_AD', 'ad', 'search', 'brand', 'B'],
    ])
    expect(signals[0]).toMatchObject({ spend_micros: String(20 * 1_000_000), budget_change_pct: 0 })
    // Again: B is paused already, and nothing else is certain.
    expect(await alerter.evaluate()).toEqual([])

    const onTopic = await pollUntil(
      async () => [...published],
      (seen) => seen.length >= 1,
      { what: 'the PAUSE_AD on the signals topic', timeoutMs: 30_000 },
    )
    expect(onTopic).toEqual(signals)

    const app = Fastify()
    registerSignalRoutes(app, signalStore, alerter.status)
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/signals?limit=10' })
      expect(response.statusCode).toBe(200)
      const body = response.json() as { signals: Array<Record<string, unknown>> }
      expect(body.signals.map((s) => [s.signal_id, s.action, s.scope, s.campaign_id, s.ad_id])).toEqual([
        [signals[0]?.signal_id, 'PAUSE_AD', 'ad', 'brand', 'B'],
      ])
    } finally {
      await app.close()
    }
  })
})
