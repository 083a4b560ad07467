import type { AudienceDefinition } from '@adpulse/audiences'
import { CART_ABANDONERS as CART } from '@adpulse/audiences/testing'
import type { AudienceMember, ForgetRequest, UserDeletion } from '@adpulse/clickhouse'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { registerAudienceRoutes } from './audience-routes.ts'
import { registerUserRoutes } from './user-routes.ts'

const NOW = Date.parse('2026-11-22T10:00:00.000Z')
const DAY = 86_400_000
const member = (user_id: string): AudienceMember => ({
  user_id,
  joined_at: NOW - DAY,
  expires_at: NOW + 13 * DAY,
})
const MEMBERS = [member(' Ann@Example.com'), member('bob'), member('carl,"jr"')]

/** The members it was given, paged by user_id as AudienceStore pages them; the moments it was asked about. */
class MemoryAudiences {
  readonly asked: number[] = []
  async size(_audience: AudienceDefinition, now: number) {
    this.asked.push(now)
    return MEMBERS.length
  }
  async members(
    _audience: AudienceDefinition,
    page: { now: number; after: string | undefined; limit: number },
  ) {
    this.asked.push(page.now)
    const rest = MEMBERS.filter((m) => page.after === undefined || m.user_id > page.after)
    return { members: rest.slice(0, page.limit), more: rest.length > page.limit }
  }
}

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function audienceApp(clock = () => NOW) {
  app = Fastify()
  const store = new MemoryAudiences()
  registerAudienceRoutes(app, [CART], store, clock)
  await app.ready()
  return { app, store }
}

describe('GET /v1/audiences', () => {
  it('lists the audiences with their definitions and sizes', async () => {
    const { app } = await audienceApp()
    const res = await app.inject({ url: '/v1/audiences' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      at: '2026-11-22T10:00:00.000Z',
      audiences: [
        {
          name: 'cart',
          size: 3,
          include: {
            type: 'engagement',
            actions: ['add_to_cart'],
            channels: [],
            campaigns: [],
            lookback_ms: 30 * DAY,
          },
          exclude: {
            type: 'conversion',
            actions: ['purchase'],
            channels: [],
            campaigns: [],
            lookback_ms: null,
          },
          duration_ms: 14 * DAY,
        },
      ],
    })
  })
})

describe('GET /v1/audiences/{name}/members', () => {
  it('exports NDJSON by default, a page at a time, every page of one moment', async () => {
    let clock = NOW
    const { app, store } = await audienceApp(() => clock)
    const first = await app.inject({ url: '/v1/audiences/cart/members?limit=2' })
    expect(first.statusCode).toBe(200)
    expect(first.headers['content-type']).toBe('application/x-ndjson; charset=utf-8')
    expect(first.body.split('\n')).toEqual([
      '{"user_id":" Ann@Example.com","joined_at":"2026-11-21T10:00:00.000Z","expires_at":"2026-12-05T10:00:00.000Z"}',
      '{"user_id":"bob","joined_at":"2026-11-21T10:00:00.000Z","expires_at":"2026-12-05T10:00:00.000Z"}',
      '',
    ])
    const cursor = first.headers['x-next-cursor']
    expect(typeof cursor).toBe('string')
    clock = NOW + 60_000
    const second = await app.inject({ url: `/v1/audiences/cart/members?limit=2&cursor=${cursor}` })
    expect(second.body).toContain('"user_id":"carl,\\"jr\\""')
    expect(second.headers['x-next-cursor']).toBeUndefined()
    expect(store.asked).toEqual([NOW, NOW])
  })

  it('exports CSV, and customer-match SHA-256 hashes of the trimmed, lowercased ids', async () => {
    const { app } = await audienceApp()
    const csv = await app.inject({ url: '/v1/audiences/cart/members?format=csv' })
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(csv.body.split('\r\n')).toEqual([
      'user_id,joined_at,expires_at',
      ' Ann@Example.com,2026-11-21T10:00:00.000Z,2026-12-05T10:00:00.000Z',
      'bob,2026-11-21T10:00:00.000Z,2026-12-05T10:00:00.000Z',
      '"carl,""jr""",2026-11-21T10:00:00.000Z,2026-12-05T10:00:00.000Z',
      '',
    ])
    const hashed = await app.inject({ url: '/v1/audiences/cart/members?format=csv&hash=sha256&limit=1' })
    expect(hashed.body.split('\r\n').slice(0, 2)).toEqual([
      'user_id_sha256,joined_at,expires_at',
      // printf '%s' 'ann@example.com' | sha256sum
      '71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476,2026-11-21T10:00:00.000Z,2026-12-05T10:00:00.000Z',
    ])
    // A cursor of the hashed export does not page the plain one.
    const cursor = hashed.headers['x-next-cursor']
    const mixed = await app.inject({ url: `/v1/audiences/cart/members?cursor=${cursor}` })
    expect(mixed.statusCode).toBe(400)
    expect(mixed.json().message).toMatch(/^cursor: belongs to a query with other parameters/)
  })

  it('answers 404 for an unknown audience and 400 naming a bad parameter', async () => {
    const { app } = await audienceApp()
    const unknown = await app.inject({ url: '/v1/audiences/buyers/members' })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toEqual({
      error: 'not_found',
      message: 'audience "buyers" is not defined; defined: cart',
    })
    const cases: Array<[string, RegExp]> = [
      ['format=xml', /^format: expected ndjson or csv, got "xml"$/],
      ['hash=md5', /^hash: expected sha256 \(or no hash\), got "md5"$/],
      ['limit=0', /^limit: expected an integer 1-10000, got "0"$/],
      ['limit=10001', /^limit: expected an integer 1-10000/],
      ['cursor=nope!', /^cursor: expected the next_cursor of an earlier answer/],
      ['sort=user_id', /^unknown parameter "sort": expected format, hash, cursor, limit$/],
    ]
    for (const [query, message] of cases) {
      const res = await app.inject({ url: `/v1/audiences/cart/members?${query}` })
      expect(res.statusCode, query).toBe(400)
      expect(res.json().message, query).toMatch(message)
    }
  })
})

describe('DELETE /v1/users/{user_id}', () => {
  const ADMIN = new Map([['admin-key-0123456789', 'dpo']])

  async function userApp() {
    app = Fastify()
    const requests: ForgetRequest[] = []
    const deletions = {
      async forget(request: ForgetRequest): Promise<UserDeletion | null> {
        requests.push(request)
        if (request.userId !== 'ann') return null
        return {
          deletion_id: 'd-1',
          user_id: 'ann',
          deleted_at: NOW,
          requested_by: request.requestedBy,
          via: request.via,
          raw_events_deleted: 3,
          audiences_left: ['cart'],
        }
      },
    }
    registerUserRoutes(app, { adminKeys: ADMIN, audiences: [CART], deletions }, () => NOW)
    await app.ready()
    return { app, requests }
  }

  it('requires an admin key', async () => {
    const { app, requests } = await userApp()
    for (const authorization of [undefined, 'Bearer demo-adpulse-dev-key', 'admin-key-0123456789']) {
      const res = await app.inject({
        method: 'DELETE',
        url: '/v1/users/ann',
        headers: authorization === undefined ? {} : { authorization },
      })
      expect(res.statusCode).toBe(401)
      expect(res.headers['www-authenticate']).toBe('Bearer realm="adpulse-admin"')
    }
    expect(requests).toEqual([])
  })

  it('forgets the user and answers what was removed, 404 for a user with no events', async () => {
    const { app, requests } = await userApp()
    const headers = { authorization: 'Bearer admin-key-0123456789' }
    const res = await app.inject({ method: 'DELETE', url: '/v1/users/ann', headers })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      deletion_id: 'd-1',
      user_id: 'ann',
      deleted_at: '2026-11-22T10:00:00.000Z',
      requested_by: 'dpo',
      via: 'api',
      raw_events_deleted: 3,
      audiences_left: ['cart'],
    })
    expect(requests).toEqual([{ userId: 'ann', requestedBy: 'dpo', via: 'api', audiences: [CART], now: NOW }])
    const unknown = await app.inject({ method: 'DELETE', url: '/v1/users/zed%20z', headers })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().message).toMatch(/^user "zed z": no event of this user_id is in events_raw/)
  })
})
