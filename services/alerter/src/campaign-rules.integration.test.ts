import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AlerterStateStore,
  type ClickHouseClient,
  createClickHouse,
  KpiStore,
  migrate,
  ProgressStore,
  SignalStore,
} from '@adpulse/clickhouse'
import { type AdpulseConfig, loadConfig } from '@adpulse/config'
import { createKafkaClient, type KafkaClient, type Producer } from '@adpulse/kafka'
import type { MinuteBucket } from '@adpulse/kpi'
import { createLogger, createRegistry } from '@adpulse/observability'
import { builtInCatalog } from '@adpulse/schema-registry'
import { testClickHouse, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type RunningAlerter, startAlerter } from './alerter.ts'
import { loadRules } from './rules-file.ts'

/**
 * A rules file whose rules all judge campaigns, against the test run's real
 * ClickHouse and Kafka: the alerter still reads the channel sums the value
 * prior is estimated over, so a campaign that spends without converting is cut
 * (before, it read campaigns only, had no prior, and priced a conversion at ∞).
 */
const UNIT = 1_000_000
const RULES_YAML = `rules:
  - name: cut-campaigns
    scope: campaign
    window: 1h
    action: CUT
    when: roi < 0
    exit: roi > 0.2
    min_evidence: { spend_micros: 100000000, clicks: 50 }
    confidence: 0.9
  - name: scale-campaigns
    scope: campaign
    window: 1h
    action: SCALE
    when: roi > 1
    exit: roi < 0.8
    min_evidence: { spend_micros: 100000000, conversions: 5 }
    confidence: 0.9
`

/**
 * One minute of three campaigns: display/d1 converts 3 × 5 units on 10 (ROI +0.5),
 * search/s1 2 × 8 units on 10 (ROI +0.6), neither certain of a cut or a scale;
 * display/dud spends 20 units on 20 clicks and never converts.
 */
function bucketsAt(minute: number): MinuteBucket[] {
  const bucket = (channel: string, campaign: string, spend: number, n: number, value: number) => ({
    minute,
    channel,
    campaign_id: campaign,
    impressions: 500,
    clicks: 20,
    conversions: n,
    spend_micros: BigInt(spend * UNIT),
    revenue_micros: BigInt(n * value * UNIT),
    revenue_squares: n * (value * UNIT) ** 2,
  })
  return [
    bucket('display', 'd1', 10, 3, 5),
    bucket('display', 'dud', 20, 0, 0),
    bucket('search', 's1', 10, 2, 8),
  ]
}

describe('alerter with campaign-only rules', () => {
  const id = uniqueName('alerter_campaigns')
  const logger = createLogger('alerter-test', { level: 'warn' })
  let dir: string
  let config: AdpulseConfig
  let client: ClickHouseClient
  let kafka: KafkaClient
  let producer: Producer
  let alerter: RunningAlerter | undefined

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adpulse-campaign-rules-'))
    const rulesFile = join(dir, 'rules.yaml')
    await writeFile(rulesFile, RULES_YAML)
    // An interval far longer than the test: the only evaluation is the one the test calls.
    config = loadConfig(
      testEnvironment(id, { ADPULSE_RULES_FILE: rulesFile, ADPULSE_ALERTER_INTERVAL: '1h' }),
    )
    client = await createClickHouse(testClickHouse())
    await migrate(client, config.clickhouse.database)
    kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: id, logger })
    await kafka.ensureTopics([{ topic: config.kafka.topics.signals, partitions: 1, replicationFactor: 1 }])
    producer = await kafka.createProducer()

    // The last 30 minutes, complete through now.
    const now = Date.now()
    const minute = Math.floor(now / 60_000) * 60_000
    const buckets = Array.from({ length: 30 }, (_, i) => bucketsAt(minute - (i + 1) * 60_000)).flat()
    await new KpiStore(client, config.clickhouse.database).insertBuckets(buckets, {
      topic: 'history',
      partition: 0,
      firstOffset: '0',
      lastOffset: '29',
    })
    await new ProgressStore(client, config.clickhouse.database).record([
      {
        topic: config.kafka.topics.events,
        partition: 0,
        committedOffset: 30n,
        highWatermark: 30n,
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
    await rm(dir, { recursive: true, force: true })
  })

  it('cuts the campaign that spends without converting, pricing its conversions at the shop’s value', async () => {
    const rules = await loadRules(config.alerter)
    expect(rules.map((r) => r.scope)).toEqual(['campaign', 'campaign'])
    const database = config.clickhouse.database
    alerter = await startAlerter({
      config,
      rules,
      schemas: builtInCatalog(),
      kpis: new KpiStore(client, database),
      signals: new SignalStore(client, database),
      progress: new ProgressStore(client, database),
      states: new AlerterStateStore(client, database),
      producer,
      isLeader: () => true,
      logger,
      registry: createRegistry('alerter'),
    })

    const signals = await alerter.evaluate()
    expect(alerter.status().state).toBe('ok')
    expect(signals.map((s) => [s.rule, s.scope, s.channel, s.campaign_id, s.action])).toEqual([
      ['cut-campaigns', 'campaign', 'display', 'dud', 'CUT'],
    ])
    const [cut] = signals
    expect(cut).toMatchObject({ spend_micros: String(600 * UNIT), revenue_micros: '0', conversions: 0 })
    // The shop's value of a conversion: (90 × 5 + 60 × 8) / 150 = 6.2 units, over the channels' paid
    // conversions; revenue at most 6.2 × U(0, 0.1) = 6.2 × 3.615 against 600 units spent.
    expect(cut?.roi_upper).toBeCloseTo((6.2 * 3.615 - 600) / 600, 3)
    expect((await new SignalStore(client, database).recent(10)).map((s) => s.signal_id)).toEqual([
      cut?.signal_id,
    ])
  })
})
