import { CART_ABANDONERS as CART } from '@adpulse/audiences/testing'
import {
  AudiencePublishedStore,
  AudienceStore,
  type ClickHouseClient,
  createClickHouse,
  migrate,
  type RawEventRow,
  RawEventStore,
} from '@adpulse/clickhouse'
import { type AudienceChange, createAudienceChangeCodec } from '@adpulse/events'
import { createKafkaClient, type KafkaClient, type Producer } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import { testClickHouse, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startAudiencePublisher } from './audience-publisher.ts'

const DAY = 86_400_000
const NOW = Math.floor(Date.now() / 1000) * 1000

/**
 * The publisher against real Kafka and ClickHouse: ticks publish joins and
 * leaves once; a new publisher (a restart) repeats nothing; a crash between the
 * topic's ack and the record republishes the same changes with the same ids.
 */
describe('audience publisher', () => {
  const id = uniqueName('audpub')
  const database = uniqueName('adpulse_audpub')
  const topic = `${id}.audiences`
  const logger = createLogger('audpub', { level: 'warn' })
  let client: ClickHouseClient
  let kafka: KafkaClient
  let producer: Producer
  let raw: RawEventStore
  let offset = 0
  const sent: AudienceChange[] = []
  const codec = createAudienceChangeCodec()

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    raw = new RawEventStore(client, database)
    kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: id, logger })
    await kafka.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }])
    const real = await kafka.createProducer()
    // The real producer, and a copy of what it was asked to send, decoded.
    producer = {
      ...real,
      async send(t, messages) {
        await real.send(t, messages)
        for (const m of messages) sent.push(codec.decode(m.value as Buffer))
      },
      disconnect: () => real.disconnect(),
    } as Producer
  })

  afterAll(async () => {
    await producer?.disconnect()
    await kafka?.close()
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  const event = async (user: string, type: RawEventRow['type'], action: string, at: number) => {
    const o = offset++
    const row: RawEventRow = {
      event_id: `e${o}`,
      source: 'test',
      type,
      occurred_at: at,
      channel: 'shop',
      campaign_id: 'c1',
      user_id: user,
      action,
      cost_micros: 0n,
      value_micros: 0n,
      currency: 'USD',
      received_at: NOW,
      topic: 'audpub',
      partition: 0,
      offset: String(o),
    }
    await raw.insert([row], `audpub/${o}`)
  }
  const publisher = (
    published: Pick<AudiencePublishedStore, 'members' | 'record'> = new AudiencePublishedStore(
      client,
      database,
    ),
  ) =>
    startAudiencePublisher({
      audiences: [CART],
      members: new AudienceStore(client, database),
      published,
      producer,
      codec,
      topic,
      intervalMs: 3_600_000,
      isLeader: () => true,
      logger,
      now: () => NOW,
    })

  it('publishes each change once, across restarts', async () => {
    await event('ann', 'engagement', 'add_to_cart', NOW - DAY)
    await event('bob', 'engagement', 'add_to_cart', NOW - DAY)
    const first = publisher()
    expect((await first.tick()).map((c) => [c.user_id, c.change])).toEqual([
      ['ann', 'joined'],
      ['bob', 'joined'],
    ])
    expect(await first.tick()).toEqual([])
    await first.stop()

    await event('bob', 'conversion', 'purchase', NOW - DAY / 2)
    const restarted = publisher()
    expect((await restarted.tick()).map((c) => [c.user_id, c.change, c.at])).toEqual([['bob', 'left', NOW]])
    expect(await restarted.tick()).toEqual([])
    await restarted.stop()
    expect(new Set(sent.map((c) => c.change_id)).size).toBe(sent.length)
  })

  it('republishes, with the same ids, changes acknowledged but not recorded before a crash', async () => {
    await event('cara', 'engagement', 'add_to_cart', NOW - DAY)
    const real = new AudiencePublishedStore(client, database)
    const crashing = publisher({
      members: (audience) => real.members(audience),
      record: async () => {
        throw new Error('crash after the ack')
      },
    })
    await expect(crashing.tick()).rejects.toThrow('crash after the ack')
    await crashing.stop()
    const again = publisher()
    const republished = await again.tick()
    await again.stop()
    expect(republished.map((c) => [c.user_id, c.change])).toEqual([['cara', 'joined']])
    const cara = sent.filter((c) => c.user_id === 'cara')
    expect(cara).toHaveLength(2)
    expect(cara[0]?.change_id).toBe(cara[1]?.change_id)
  })
})
