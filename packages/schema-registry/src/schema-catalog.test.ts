import {
  type AdEvent,
  createEventCodec,
  EVENT_V1,
  EVENT_V2,
  FramedCodec,
  SCHEMA_HISTORY,
  SIGNAL_V1,
  schemaIdOf,
} from '@adpulse/events'
import { anEngagement, anEvent, type FakeRegistry, startFakeRegistry } from '@adpulse/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createSchemaRegistryClient, SchemaRegistryError } from './registry-client.ts'
import { builtInCatalog, registryCatalog } from './schema-catalog.ts'

const event: AdEvent = anEvent({
  event_id: 'e-1',
  occurred_at: Date.UTC(2026, 10, 22, 11, 0),
  campaign_id: 'c-1',
  cost_micros: 9_007_199_254_740_993n,
  source: 'partner-a',
  received_at: Date.UTC(2026, 10, 22, 11, 0, 1),
})
const subjects = {
  events: 'adpulse.events.v1-value',
  signals: 'adpulse.signals.v1-value',
  audiences: 'adpulse.audiences.v1-value',
}
/** A later event schema: a new optional field with a default, the kind of change the gate allows. */
const EVENT_WITH_PLACEMENT = {
  ...EVENT_V1,
  fields: [...EVENT_V1.fields, { name: 'placement', type: ['string', 'null'], default: 'unknown' }],
}
const NUMBER_FIELDS = ['occurred_at', 'received_at']

describe('schema registry client (against a fake of the Confluent REST API)', () => {
  let registry: FakeRegistry
  afterEach(async () => registry?.close())

  it('registers under a subject, finds the same schema again, and reads a schema by id', async () => {
    registry = await startFakeRegistry({ firstId: 500 })
    const client = createSchemaRegistryClient({ url: `${registry.url}/` })
    const id = await client.register('orders-value', EVENT_V1)
    expect(id).toBe(500)
    expect(await client.register('orders-value', EVENT_V1)).toBe(500)
    expect(await client.register('other-value', EVENT_V1)).toBe(500)
    expect(await client.schemaById(500)).toEqual(JSON.parse(JSON.stringify(EVENT_V1)))
    expect(registry.requests).toEqual([
      'POST /subjects/orders-value/versions',
      'POST /subjects/orders-value/versions',
      'POST /subjects/other-value/versions',
      'GET /schemas/ids/500',
    ])
  })

  it('fails with a code: unknown id, invalid schema, unreachable registry', async () => {
    registry = await startFakeRegistry()
    const client = createSchemaRegistryClient({ url: registry.url })
    await expect(client.schemaById(42)).rejects.toMatchObject({ code: 'NOT_FOUND', retriable: false })
    const broken = createSchemaRegistryClient({
      url: registry.url,
      fetch: (input, init) => fetch(input, { ...init, body: '{"schema": 7}' }),
    })
    await expect(broken.register('x-value', EVENT_V1)).rejects.toMatchObject({ code: 'INVALID_SCHEMA' })
    await registry.close()
    const gone = client.schemaById(1)
    await expect(gone).rejects.toBeInstanceOf(SchemaRegistryError)
    await expect(gone).rejects.toMatchObject({ code: 'UNREACHABLE', retriable: true })
    registry = await startFakeRegistry()
  })
})

describe('schema catalog', () => {
  let registry: FakeRegistry
  afterEach(async () => registry?.close())

  it('without a registry, writes with the built-in ids', async () => {
    const catalog = builtInCatalog()
    expect(catalog.events.writerId).toBe(2)
    expect(catalog.signals.writerId).toBe(103)
    expect(await catalog.resolve(1)).toBe(true)
    expect(await catalog.resolve(2)).toBe(true)
    expect(await catalog.resolve(999)).toBe(false)
  })

  it('with a registry, registers every version under <topic>-value and writes with the registry id', async () => {
    registry = await startFakeRegistry({ firstId: 700 })
    const catalog = await registryCatalog(createSchemaRegistryClient({ url: registry.url }), subjects)
    expect(registry.subjects).toEqual(
      new Map([
        [subjects.events, [700, 701]],
        [subjects.signals, [702, 703, 704]],
        [subjects.audiences, [705]],
      ]),
    )
    expect(catalog.events.table.get(700)).toBe(SCHEMA_HISTORY.events[0]?.schema)
    expect(catalog.events.table.get(701)).toBe(EVENT_V2)
    expect(catalog.signals.table.get(702)).toBe(SIGNAL_V1)
    expect(catalog.signals.writerId).toBe(704)
    const codec = createEventCodec(catalog.events)
    const frame = codec.encode(event)
    expect(schemaIdOf(frame)).toBe(701)
    expect(codec.decode(frame)).toEqual(event)
  })

  it('a process that knows only event schema v1 reads an engagement of a v2 writer as a click', async () => {
    registry = await startFakeRegistry({ firstId: 800 })
    const client = createSchemaRegistryClient({ url: registry.url })
    const v1Only = { ...SCHEMA_HISTORY, events: SCHEMA_HISTORY.events.slice(0, 1) }
    const v1Process = await registryCatalog(client, subjects, v1Only)
    const v2Process = await registryCatalog(client, subjects)
    // 801 to 803 went to the three signal versions, 804 to the audience change; v2 of the events is 805.
    expect(v1Process.events.writerId).toBe(800)
    expect(v2Process.events.writerId).toBe(805)
    const engagement = anEngagement({ event_id: 'g-1', received_at: event.received_at })
    const frame = createEventCodec(v2Process.events).encode(engagement)
    expect(await v1Process.resolve(805)).toBe(true)
    expect(createEventCodec(v1Process.events).decode(frame)).toEqual({ ...engagement, type: 'click' })
    expect(createEventCodec(v2Process.events).decode(frame)).toEqual(engagement)
  })

  it('a v2 reader reads a v1 record whose writer schema it learns from the registry, and the reverse', async () => {
    registry = await startFakeRegistry({ firstId: 900 })
    const client = createSchemaRegistryClient({ url: registry.url })
    const v1Process = await registryCatalog(client, subjects, {
      events: SCHEMA_HISTORY.events.slice(0, 1),
      signals: SCHEMA_HISTORY.signals,
      audiences: SCHEMA_HISTORY.audiences,
    })
    const v2Process = await registryCatalog(client, subjects, {
      events: [
        { id: 1, schema: EVENT_V1 },
        { id: 2, schema: EVENT_WITH_PLACEMENT },
      ],
      signals: SCHEMA_HISTORY.signals,
      audiences: SCHEMA_HISTORY.audiences,
    })
    // The v2 process registered v2 after v1: the subject holds both versions
    // (901 to 903 went to the three versions of the signals schema, 904 to the audience change's).
    expect(registry.subjects.get(subjects.events)).toEqual([900, 905])
    const v1Writer = createEventCodec(v1Process.events)
    const v2Writer = new FramedCodec<AdEvent & { placement: string | null }>(
      v2Process.events.writerId,
      NUMBER_FIELDS,
      v2Process.events.table,
    )

    // A reader that has never seen the writer's id asks the registry for it.
    const fresh = await registryCatalog(client, subjects, {
      events: [{ id: 2, schema: EVENT_WITH_PLACEMENT }],
      signals: SCHEMA_HISTORY.signals,
      audiences: SCHEMA_HISTORY.audiences,
    })
    const v2Reader = new FramedCodec<AdEvent & { placement: string | null }>(
      fresh.events.writerId,
      NUMBER_FIELDS,
      fresh.events.table,
    )
    const v1Frame = v1Writer.encode(event)
    expect(fresh.events.table.has(900)).toBe(false)
    expect(await fresh.resolve(schemaIdOf(v1Frame) ?? -1)).toBe(true)
    expect(v2Reader.decode(v1Frame)).toEqual({ ...event, placement: 'unknown' })

    const v2Frame = v2Writer.encode({ ...event, placement: 'in-stream' })
    expect(schemaIdOf(v2Frame)).toBe(905)
    expect(await v1Process.resolve(905)).toBe(true)
    const decoded = createEventCodec(v1Process.events).decode(v2Frame)
    expect(decoded).toEqual(event)
    expect(registry.requests.filter((r) => r.startsWith('GET'))).toEqual([
      'GET /schemas/ids/900',
      'GET /schemas/ids/905',
    ])
  })
})
