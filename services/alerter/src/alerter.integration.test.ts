import {
  AlerterStateStore,
  type ClickHouseClient,
  createClickHouse,
  KpiStore,
  migrate,
  ProgressStore,
  SignalStore,
} from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'
import { createSignalCodec, type Signal } from '@adpulse/events'
import { createKafkaClient, type KafkaClient, type Producer } from '@adpulse/kafka'
import type { MinuteBucket } from '@adpulse/kpi'
import { createLogger, createRegistry } from '@adpulse/observability'
import { parseRules } from '@adpulse/rules'
import { builtInCatalog } from '@adpulse/schema-registry'
import { pollUntil, testClickHouse, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type RunningAlerter, startAlerter } from './alerter.ts'
import { acquireLeaderLease, type LeaderLease } from './leader-lease.ts'

/**
 * The alerter against the test run's real Kafka and ClickHouse: several
 * instances, one publisher; a handover and a restart repeat nothing; no
 * decision on data that is not complete.
 */
const UNIT = 1_000_000
const rules = (() => {
  const result = parseRules({
    rules: [
      { name: 'cut', action: 'CUT', when: 'roi < 0', exit: 'roi > 0.2', window: '1h', cooldown: '1h' },
      { name: 'scale', action: 'SCALE', when: 'roi > 1', exit: 'roi < 0.8', window: '1h', cooldown: '1h' },
    ],
  })
  if (!result.ok) throw new Error(result.errors.join('\n'))
  return result.rules
})()

describe('alerter instances', () => {
  const id = uniqueName('alerter')
  const config = loadConfig(testEnvironment(id, { ADPULSE_ALERTER_INTERVAL: '200ms' }))
  const logger = createLogger('alerter-test', { level: 'warn' })
  let client: ClickHouseClient
  let kafka: KafkaClient
  let producer: Producer
  const published: Signal[] = []
  const running: Array<{ alerter: RunningAlerter; lease: LeaderLease }> = []

  const stores = () => ({
    kpis: new KpiStore(client, config.clickhouse.database),
    signals: new SignalStore(client, config.clickhouse.database),
    progress: new ProgressStore(client, config.clickhouse.database),
    states: new AlerterStateStore(client, config.clickhouse.database),
  })

  /** One alerter instance as attachAlerter wires it: a lease, then the loop. */
  const startInstance = async () => {
    let reload = () => {}
    const lease = await acquireLeaderLease(kafka, {
      groupId: config.alerter.groupId,
      topic: config.kafka.topics.alerterLease,
      logger,
      onChange: (leader) => {
        if (leader) reload()
      },
    })
    const alerter = await startAlerter({
      config,
      rules,
      schemas: builtInCatalog(),
      ...stores(),
      producer,
      isLeader: lease.isLeader,
      logger,
      registry: createRegistry('alerter'),
    })
    reload = alerter.reloadStates
    const instance = { alerter, lease }
    running.push(instance)
    return instance
  }
  const stopInstance = async (instance: { alerter: RunningAlerter; lease: LeaderLease }) => {
    const index = running.indexOf(instance)
    if (index < 0) throw new Error('this instance is not running')
    running.splice(index, 1)
    await instance.alerter.stop()
    await instance.lease.stop()
  }
  /** Waits until every running instance has finished `rounds` more evaluations. */
  const evaluations = async (rounds: number) => {
    for (let round = 0; round < rounds; round++) {
      const before = running.map((r) => r.alerter.status().evaluated_at ?? '')
      await pollUntil(
        async () => running.map((r) => r.alerter.status().evaluated_at ?? ''),
        (now) => now.every((at, i) => at > (before[i] ?? '')),
        { what: 'one more evaluation', timeoutMs: 30_000, intervalMs: 50 },
      )
    }
  }

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, config.clickhouse.database)
    kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: id, logger })
    await kafka.ensureTopics([
      { topic: config.kafka.topics.signals, partitions: 1, replicationFactor: 1 },
      { topic: config.kafka.topics.alerterLease, partitions: 1, replicationFactor: 1 },
    ])
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

    // The last half hour: display loses clearly (100 conversions of 5 units for 1000 spent).
    const now = Date.now()
    const minute = Math.floor(now / 60_000) * 60_000
    const bucket = (i: number): MinuteBucket => ({
      minute: minute - i * 60_000,
      channel: 'display',
      campaign_id: 'd1',
      impressions: 1000,
      clicks: 20,
      conversions: 10,
      spend_micros: BigInt(100 * UNIT),
      revenue_micros: BigInt(50 * UNIT),
      revenue_squares: 10 * (5 * UNIT) ** 2,
    })
    await stores().kpis.insertBuckets(
      Array.from({ length: 10 }, (_, i) => bucket(i)),
      { topic: 'history', partition: 0, firstOffset: '0', lastOffset: '9' },
    )
  })

  afterAll(async () => {
    for (const instance of [...running]) await stopInstance(instance)
    await producer?.disconnect()
    await kafka?.close()
    await client?.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` })
    await client?.close()
  })

  it('decides nothing while the data is not complete, and says so', async () => {
    const first = await startInstance()
    await pollUntil(
      async () => first.alerter.status().state,
      (state) => state === 'stale',
      { what: 'the stale state without any progress record' },
    )
    expect(first.alerter.status().data_complete_through).toBeNull()
    expect(published).toEqual([])
  })

  it('publishes once, from one leader, however many instances run', async () => {
    await startInstance()
    // The processor's progress: complete through now, kept fresh while the test runs.
    const progress = stores().progress
    const touch = () =>
      progress.record([
        {
          topic: config.kafka.topics.events,
          partition: 0,
          committedOffset: 10n,
          highWatermark: 10n,
          completeThrough: Date.now(),
          updatedAt: Date.now(),
        },
      ])
    await touch()
    const ticker = setInterval(() => void touch().catch(() => undefined), 500)
    try {
      await pollUntil(
        async () => published.map((s) => `${s.channel}:${s.action}`),
        (seen) => seen.includes('display:CUT'),
        { what: 'the CUT of display', timeoutMs: 60_000 },
      )
      await evaluations(5)
      expect(published.map((s) => `${s.rule}:${s.channel}:${s.action}`)).toEqual(['cut:display:CUT'])
      const states = running.map((r) => r.alerter.status().state).sort()
      expect(states).toEqual(['ok', 'standby'])

      // The leader leaves: the other takes over, reads the saved state, repeats nothing.
      const leader = running.find((r) => r.lease.isLeader())
      if (!leader) throw new Error('no leader')
      await stopInstance(leader)
      await pollUntil(
        async () => running.map((r) => r.alerter.status().state),
        (s) => s.length === 1 && s[0] === 'ok',
        { what: 'the remaining instance to lead', timeoutMs: 90_000 },
      )
      await evaluations(5)
      // And a fresh instance after everyone restarts: still nothing new.
      // (The survivor is whichever instance did not lead, the first or the second.)
      for (const survivor of [...running]) await stopInstance(survivor)
      const third = await startInstance()
      await pollUntil(
        async () => third.alerter.status().state,
        (state) => state === 'ok',
        { what: 'the restarted instance to lead', timeoutMs: 90_000 },
      )
      await evaluations(5)
      expect(published.map((s) => `${s.rule}:${s.channel}:${s.action}`)).toEqual(['cut:display:CUT'])
      expect(published[0]?.roi_upper).toBeLessThan(0)
    } finally {
      clearInterval(ticker)
    }
  })
})
