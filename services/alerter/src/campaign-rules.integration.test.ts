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
import { createLogger, createRegistry } from '@adpulse/observability'
import { CAMPAIGN_RULES_YAML, campaignBucketsAt, UNIT } from '@adpulse/rules/testing'
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
    await writeFile(rulesFile, CAMPAIGN_RULES_YAML)
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
    const buckets = Array.from({ length: 30 }, (_, i) => campaignBucketsAt(minute - (i + 1) * 60_000)).flat()
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
