import { gzipSync } from 'node:zlib'
import { loadConfig } from '@adpulse/config'
import { type AdEvent, createEventCodec, FramedCodec, schemaIdOf } from '@adpulse/events'
import { createKafkaClient, type KafkaClient } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import { type RunningProcess, runProcess } from '@adpulse/runtime'
import { createSchemaRegistryClient } from '@adpulse/schema-registry'
import {
  aRawEvent,
  type FakeRegistry,
  pollUntil,
  startFakeRegistry,
  testEnvironment,
  uniqueName,
} from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { attachIngest } from './service.ts'

/**
 * Standalone ingest on the run's real broker: what a 202 promises is on the
 * topics (acks from all in-sync replicas), rejected events are on the
 * dead-letter topic, concurrent requests share produce calls, and with a schema
 * registry the records carry the registry's id.
 */

const KEY = 'integration-key-0001'
const logger = createLogger('ingest-it', { level: 'warn' })

async function startIngest(id: string, env: Record<string, string> = {}): Promise<RunningProcess> {
  const config = loadConfig(testEnvironment(id, { ADPULSE_INGEST_KEYS: `network-it:${KEY}`, ...env }))
  return runProcess({ name: 'ingest', config, logger, services: [attachIngest], withClickHouse: false })
}

/** Every record of a topic, read from the beginning by a group of its own. */
async function readTopic(kafka: KafkaClient, topic: string, into: Buffer[]) {
  return kafka.consume({
    groupId: uniqueName('reader'),
    topics: [topic],
    fromBeginning: true,
    onBatch: async (batch) => {
      for (const m of batch.messages) if (m.value) into.push(m.value)
    },
  })
}

/** A valid click a second old, on one of three campaigns. */
const event = (id: string, extra: Record<string, unknown> = {}) =>
  aRawEvent({ event_id: id, campaign_id: `camp-${id.length % 3}`, ...extra }, Date.now())

describe('ingest on a real broker', () => {
  const id = uniqueName('ingest')
  let running: RunningProcess
  let base = ''
  let kafka: KafkaClient
  const events: Buffer[] = []
  const letters: Buffer[] = []

  beforeAll(async () => {
    running = await startIngest(id, { KAFKA_LINGER: '250ms' })
    base = `http://127.0.0.1:${running.address.port}`
    kafka = createKafkaClient({
      brokers: inject('kafkaBrokers').split(','),
      clientId: `${id}-reader`,
      logger,
    })
    await readTopic(kafka, `${id}.events`, events)
    await readTopic(kafka, `${id}.events.dlq`, letters)
  })
  afterAll(async () => {
    await kafka?.close()
    await running?.stop()
  })

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
      body,
    })

  it('puts every event of a 202 on the events topic, and every rejected one on the dead-letter topic', async () => {
    const sent = [event('a-1'), event('a-2', { cost_micros: -1 }), event('a-3')]
    const response = await post(gzipSync(JSON.stringify(sent)), { 'content-encoding': 'gzip' })
    expect(response.status).toBe(202)
    expect(await response.json()).toMatchObject({ accepted: 2, rejected: [{ index: 1, event_id: 'a-2' }] })

    const codec = createEventCodec()
    const onTopic = await pollUntil(
      async () => events.map((frame) => codec.decode(frame)),
      (decoded) => decoded.length >= 2,
      { what: 'two events on the events topic' },
    )
    expect(onTopic.map((e) => e.event_id).sort()).toEqual(['a-1', 'a-3'])
    expect(onTopic.every((e) => e.source === 'network-it')).toBe(true)

    const dead = await pollUntil(
      async () => letters.map((l) => JSON.parse(l.toString()) as Record<string, unknown>),
      (seen) => seen.length >= 1,
      { what: 'the rejected event on the dead-letter topic' },
    )
    expect(dead).toEqual([
      expect.objectContaining({
        reason: 'invalid_event',
        stage: 'ingest',
        source: 'network-it',
        received_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        index: 1,
        event_id: 'a-2',
        errors: [expect.objectContaining({ field: 'cost_micros', got: '-1' })],
      }),
    ])
  })

  it('acknowledges concurrent requests with fewer produce calls than requests, losing nothing', async () => {
    const before = events.length
    const requests = 20
    const answers = await Promise.all(
      Array.from({ length: requests }, (_, r) =>
        post(JSON.stringify(Array.from({ length: 25 }, (_, i) => event(`c-${r}-${i}`)))),
      ),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(requests).fill(202))
    await pollUntil(
      async () => events.length - before,
      (n) => n >= requests * 25,
      { what: 'every acknowledged event on the topic' },
    )
    const codec = createEventCodec()
    const ids = events.slice(before).map((frame) => codec.decode(frame).event_id)
    expect(new Set(ids).size).toBe(requests * 25)

    const metrics = await (await fetch(`${base}/metrics`)).text()
    const calls = Number(/adpulse_ingest_produce_batch_messages_count (\d+)/.exec(metrics)?.[1])
    // The 250 ms linger gathers requests that arrive together; the first test made one call of its own.
    expect(calls - 1).toBeLessThan(requests)
    expect(metrics).toMatch(/adpulse_ingest_buffered_bytes 0/)
  })

  it('keeps an event in another currency as sent, and refuses a code that is no currency', async () => {
    const before = events.length
    const sent = [
      event('m-1', { currency: 'EUR', cost_micros: 2_500_000 }),
      event('m-2', { type: 'conversion', action: 'purchase', currency: 'JPY', value_micros: '15000000000' }),
      event('m-3', { currency: 'ABC', cost_micros: 1 }),
    ]
    const response = await post(JSON.stringify(sent))
    expect(response.status).toBe(202)
    expect(await response.json()).toMatchObject({
      accepted: 2,
      rejected: [
        { index: 2, event_id: 'm-3', errors: [expect.objectContaining({ field: 'currency', got: '"ABC"' })] },
      ],
    })
    const codec = createEventCodec()
    const onTopic = await pollUntil(
      async () => events.slice(before).map((frame) => codec.decode(frame)),
      (decoded) => decoded.length >= 2,
      { what: 'the EUR and JPY events on the events topic' },
    )
    // Amounts stay in micros of their own currency: the processor converts them.
    expect(
      onTopic
        .map((e) => [e.event_id, e.currency, e.cost_micros, e.value_micros])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['m-1', 'EUR', 2_500_000n, null],
      ['m-2', 'JPY', null, 15_000_000_000n],
    ])
    await pollUntil(
      async () => letters.map((l) => JSON.parse(l.toString()) as Record<string, unknown>),
      (seen) => seen.some((l) => l.event_id === 'm-3' && l.reason === 'invalid_event'),
      { what: 'the unknown currency on the dead-letter topic' },
    )
  })

  it('is ready while the broker answers', async () => {
    const response = await fetch(`${base}/readyz`)
    expect(response.status).toBe(200)
  })
})

describe('ingest with a schema registry', () => {
  const id = uniqueName('ingest_sr')
  let registry: FakeRegistry
  let running: RunningProcess
  let kafka: KafkaClient
  const events: Buffer[] = []

  beforeAll(async () => {
    registry = await startFakeRegistry({ firstId: 4000 })
    running = await startIngest(id, { SCHEMA_REGISTRY_URL: registry.url })
    kafka = createKafkaClient({
      brokers: inject('kafkaBrokers').split(','),
      clientId: `${id}-reader`,
      logger,
    })
    await readTopic(kafka, `${id}.events`, events)
  })
  afterAll(async () => {
    await kafka?.close()
    await running?.stop()
    await registry?.close()
  })

  it("registers the schemas under <topic>-value and frames records with the registry's id", async () => {
    expect(registry.subjects.get(`${id}.events-value`)).toEqual([4000, 4001])
    expect(registry.subjects.get(`${id}.signals-value`)).toEqual([4002, 4003, 4004])
    const response = await fetch(`http://127.0.0.1:${running.address.port}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify(event('r-1')),
    })
    expect(response.status).toBe(202)
    const [frame] = await pollUntil(
      async () => events,
      (seen) => seen.length >= 1,
      { what: 'the event on the topic' },
    )
    // Written with the newest version: events v2.
    expect(schemaIdOf(frame as Buffer)).toBe(4001)
    // A reader that knows only what the registry tells it.
    const table = new Map<number, object>()
    table.set(4001, await createSchemaRegistryClient({ url: registry.url }).schemaById(4001))
    const decoded = new FramedCodec<AdEvent>(4001, ['occurred_at', 'received_at'], table).decode(
      frame as Buffer,
    )
    expect(decoded).toMatchObject({ event_id: 'r-1', source: 'network-it' })
  })
})
