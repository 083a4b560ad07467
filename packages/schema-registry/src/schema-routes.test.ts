import { EVENT_V1, SCHEMA_HISTORY, type SchemaVersion, SIGNAL_V1 } from '@adpulse/events'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { createSchemaRegistryClient } from './registry-client.ts'
import { parseVersion, registerSchemaRoutes } from './schema-routes.ts'
import { schemaSubjects, topicSubjects } from './schema-subjects.ts'

const EVENTS = 'adpulse.events.v1-value'
const SIGNALS = 'adpulse.signals.v1-value'
/** A history with a second event version, ids of its own: nothing is taken from the real one. */
const EVENT_V2 = { ...EVENT_V1, fields: [...EVENT_V1.fields, { name: 'extra', type: 'string', default: '' }] }
const HISTORY = {
  events: [
    { id: 7, schema: EVENT_V1 },
    { id: 8, schema: EVENT_V2 },
  ],
  signals: [{ id: 70, schema: SIGNAL_V1 }],
  audiences: [],
}

async function serve(
  history: Record<'events' | 'signals' | 'audiences', readonly SchemaVersion[]> = HISTORY,
): Promise<FastifyInstance> {
  const app = Fastify()
  const names = topicSubjects({
    events: 'adpulse.events.v1',
    signals: 'adpulse.signals.v1',
    audiences: 'adpulse.audiences.v1',
  })
  registerSchemaRoutes(app, schemaSubjects(names, history))
  await app.ready()
  return app
}

const get = async (app: FastifyInstance, url: string) => {
  const response = await app.inject({ method: 'GET', url })
  return { status: response.statusCode, type: response.headers['content-type'], body: response.json() }
}

describe('the schema registry read API over SCHEMA_HISTORY', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => app?.close())

  it('lists the subjects of the topics (TopicNameStrategy) and their versions', async () => {
    app = await serve()
    expect(await get(app, '/subjects')).toEqual({
      status: 200,
      type: 'application/vnd.schemaregistry.v1+json; charset=utf-8',
      body: [EVENTS, SIGNALS],
    })
    expect((await get(app, `/subjects/${EVENTS}/versions`)).body).toEqual([1, 2])
    expect((await get(app, `/subjects/${SIGNALS}/versions`)).body).toEqual([1])
  })

  it('answers a schema by its global id as a JSON string, without schemaType for AVRO', async () => {
    app = await serve()
    const answer = await get(app, '/schemas/ids/8')
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ schema: JSON.stringify(EVENT_V2) })
    expect(JSON.parse(answer.body.schema)).toEqual(JSON.parse(JSON.stringify(EVENT_V2)))
    expect((await get(app, '/schemas/ids/70')).body).toEqual({ schema: JSON.stringify(SIGNAL_V1) })
  })

  it('answers a version by number, by latest and by -1', async () => {
    app = await serve()
    const first = { subject: EVENTS, version: 1, id: 7, schema: JSON.stringify(EVENT_V1) }
    const second = { subject: EVENTS, version: 2, id: 8, schema: JSON.stringify(EVENT_V2) }
    expect(await get(app, `/subjects/${EVENTS}/versions/1`)).toMatchObject({ status: 200, body: first })
    expect((await get(app, `/subjects/${EVENTS}/versions/2`)).body).toEqual(second)
    expect((await get(app, `/subjects/${EVENTS}/versions/latest`)).body).toEqual(second)
    expect((await get(app, `/subjects/${EVENTS}/versions/-1`)).body).toEqual(second)
  })

  it("answers unknown ids, subjects and versions with Confluent's error codes", async () => {
    app = await serve()
    expect(await get(app, '/schemas/ids/9')).toMatchObject({
      status: 404,
      type: 'application/vnd.schemaregistry.v1+json; charset=utf-8',
      body: { error_code: 40403, message: 'Schema 9 not found' },
    })
    expect(await get(app, '/schemas/ids/x')).toMatchObject({ status: 404, body: { error_code: 40403 } })
    expect(await get(app, '/subjects/orders-value/versions')).toEqual({
      status: 404,
      type: 'application/vnd.schemaregistry.v1+json; charset=utf-8',
      body: { error_code: 40401, message: "Subject 'orders-value' not found." },
    })
    expect(await get(app, '/subjects/orders-value/versions/latest')).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    })
    expect(await get(app, `/subjects/${EVENTS}/versions/3`)).toMatchObject({
      status: 404,
      body: { error_code: 40402, message: 'Version 3 not found.' },
    })
    for (const bad of ['0', '-2', 'first', '2147483648', '1.5']) {
      expect(await get(app, `/subjects/${EVENTS}/versions/${bad}`)).toMatchObject({
        status: 422,
        body: { error_code: 42202, message: expect.stringContaining(`'${bad}' is not a valid version id`) },
      })
    }
  })

  it('serves every published version of the real history, ids as the codecs write them', async () => {
    app = await serve(SCHEMA_HISTORY)
    for (const [topic, subject] of [
      ['events', EVENTS],
      ['signals', SIGNALS],
    ] as const) {
      const versions = SCHEMA_HISTORY[topic]
      expect((await get(app, `/subjects/${subject}/versions`)).body).toEqual(versions.map((_, i) => i + 1))
      const latest = (await get(app, `/subjects/${subject}/versions/latest`)).body
      expect(latest).toMatchObject({ version: versions.length, id: versions[versions.length - 1]?.id })
      for (const v of versions) {
        expect((await get(app, `/schemas/ids/${v.id}`)).body).toEqual({ schema: JSON.stringify(v.schema) })
      }
    }
  })

  it("is read by adpulse's own registry client over HTTP", async () => {
    app = await serve()
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const client = createSchemaRegistryClient({ url })
    expect(await client.schemaById(8)).toEqual(JSON.parse(JSON.stringify(EVENT_V2)))
    await expect(client.schemaById(9)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('parseVersion', () => {
  it('takes latest, -1 and 1 to 2^31-1, nothing else', () => {
    expect(parseVersion('latest')).toBe('latest')
    expect(parseVersion('-1')).toBe('latest')
    expect(parseVersion('1')).toBe(1)
    expect(parseVersion('2147483647')).toBe(2147483647)
    for (const bad of ['0', '-2', '', 'LATEST', '1e3', ' 1']) expect(parseVersion(bad)).toBeUndefined()
  })
})
