import { type FakeRegistry, startFakeRegistry } from '@adpulse/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { authorizationHeader, createSchemaRegistryClient } from './registry-client.ts'

describe('schema registry credentials', () => {
  let registry: FakeRegistry
  afterEach(async () => registry?.close())

  it('builds the Authorization header of basic auth (RFC 7617, UTF-8) and of a bearer token', () => {
    expect(authorizationHeader(undefined)).toEqual({})
    expect(authorizationHeader({ kind: 'basic', username: 'Aladdin', password: 'open sesame' })).toEqual({
      authorization: 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
    })
    expect(authorizationHeader({ kind: 'basic', username: 'zoë', password: 'p:w' })).toEqual({
      authorization: `Basic ${Buffer.from('zoë:p:w', 'utf8').toString('base64')}`,
    })
    expect(authorizationHeader({ kind: 'bearer', token: 'tok-123' })).toEqual({
      authorization: 'Bearer tok-123',
    })
  })

  it('sends the credentials with every call, and reports a refusal as UNAUTHORIZED', async () => {
    registry = await startFakeRegistry({ firstId: 900, authorization: 'Basic dXNlcjpzZWNyZXQ=' })
    const schema = { type: 'record', name: 'R', fields: [] }
    const client = createSchemaRegistryClient({
      url: registry.url,
      auth: { kind: 'basic', username: 'user', password: 'secret' },
    })
    expect(await client.register('r-value', schema)).toBe(900)
    expect(await client.schemaById(900)).toEqual(schema)

    const wrong = createSchemaRegistryClient({
      url: registry.url,
      auth: { kind: 'basic', username: 'user', password: 'wrong' },
    })
    await expect(wrong.register('r-value', schema)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      retriable: false,
    })
    const none = createSchemaRegistryClient({ url: registry.url })
    await expect(none.schemaById(900)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })

  it('sends a bearer token', async () => {
    registry = await startFakeRegistry({ authorization: 'Bearer tok-123' })
    const client = createSchemaRegistryClient({
      url: registry.url,
      auth: { kind: 'bearer', token: 'tok-123' },
    })
    expect(await client.register('r-value', { type: 'string' })).toBe(1)
  })
})
