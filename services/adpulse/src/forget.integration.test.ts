import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ClickHouseClient, createClickHouse } from '@adpulse/clickhouse'
import { loadConfig } from '@adpulse/config'
import { type AudienceChange, createAudienceChangeCodec } from '@adpulse/events'
import { createKafkaClient, type KafkaClient, type TopicReader } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import { pollUntil, readHeaders, testClickHouse, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAllInOne } from './all-in-one.ts'
import { forgetCommand } from './forget-command.ts'

/**
 * Remarketing audiences and forgetting a person, end to end: events with user
 * ids go through HTTP, Kafka and the processor into events_raw; the audience
 * fills as its definition says; DELETE /v1/users/{user_id} and `adpulse forget`
 * remove a person's events and memberships, record the deletion, and leave
 * every KPI sum as it was.
 */

const API_KEY = 'audience-ingest-key'
const ADMIN_KEY = 'audience-admin-key'
const MINUTE = 60_000
const AUDIENCES = `
audiences:
  - name: cart
    include: { type: engagement, action: add_to_cart, lookback: 1d }
    exclude: { type: conversion, action: purchase }
    duration: 7d
`

describe('audiences and forgetting a person, end to end', () => {
  const id = uniqueName('audiences')
  const now = Date.now()
  const env = testEnvironment(id, {
    ADPULSE_INGEST_KEYS: `shop:${API_KEY}`,
    ADPULSE_ADMIN_KEYS: `dpo:${ADMIN_KEY}`,
    ADPULSE_AUDIENCES_INTERVAL: '1s',
  })
  let stop: (() => Promise<void>) | undefined
  let base = ''
  let workdir = ''
  let client: ClickHouseClient
  let kafka: KafkaClient
  let reader: TopicReader
  /** Every change read from the audiences topic, with when the test saw it. */
  const changes: Array<AudienceChange & { seen_at: number }> = []

  const event = (n: number, user: string | undefined, type: string, action?: string, value?: string) => ({
    event_id: `aud-${n}`,
    type,
    occurred_at: now - (30 - n) * MINUTE,
    channel: 'social',
    campaign_id: 'spring',
    ...(user === undefined ? {} : { user_id: user }),
    ...(action === undefined ? {} : { action }),
    ...(value === undefined ? {} : { value_micros: value }),
  })
  const changesOf = (user: string) => changes.filter((c) => c.user_id === user).map((c) => c.change)
  const EVENTS = [
    event(0, 'ann', 'impression'),
    event(1, 'ann', 'click'),
    event(2, 'ann', 'engagement', 'add_to_cart'),
    event(3, 'bob', 'engagement', 'add_to_cart'),
    event(4, 'bob', 'conversion', 'purchase', '30000000'),
    event(5, 'Cara@Example.com', 'engagement', 'add_to_cart'),
    event(6, undefined, 'engagement', 'add_to_cart'),
    event(7, 'ann', 'conversion', 'lead', '5000000'),
  ]

  beforeAll(async () => {
    workdir = await mkdtemp(join(tmpdir(), 'adpulse-audiences-'))
    const file = join(workdir, 'audiences.yaml')
    await writeFile(file, AUDIENCES)
    env.ADPULSE_AUDIENCES_FILE = file
    const running = await startAllInOne(loadConfig(env), createLogger('audiences', { level: 'warn' }))
    stop = running.stop
    base = `http://127.0.0.1:${running.address.port}`
    client = await createClickHouse(testClickHouse())
    const codec = createAudienceChangeCodec()
    const logger = createLogger('audiences-topic', { level: 'warn' })
    kafka = createKafkaClient({ brokers: [env.KAFKA_BROKERS as string], clientId: `${id}-reader`, logger })
    reader = await kafka.readTopic({
      topic: env.ADPULSE_TOPIC_AUDIENCES as string,
      follow: true,
      onMessages(_partition, messages) {
        for (const m of messages) if (m.value) changes.push({ ...codec.decode(m.value), seen_at: Date.now() })
      },
    })
  })

  afterAll(async () => {
    await reader?.stop()
    await kafka?.close()
    await stop?.()
    await client?.close()
    await rm(workdir, { recursive: true, force: true })
  })

  /** A read (the test read key) unless `init` brings its own headers (the admin key of a DELETE). */
  const json = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, { headers: readHeaders(), ...init })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  const sizes = async () =>
    ((await json('/v1/audiences')).body.audiences as Array<{ name: string; size: number }>).map((a) => [
      a.name,
      a.size,
    ])
  const range = `from=${Math.floor(now / MINUTE) * MINUTE - 60 * MINUTE}&to=${Math.floor(now / MINUTE) * MINUTE + MINUTE}`
  const kpis = async () => (await json(`/v1/kpis?${range}&by=channel`)).body.rows

  it('fills the audience from the events posted', async () => {
    const postedAt = Date.now()
    const response = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(EVENTS),
    })
    expect(response.status).toBe(202)
    await pollUntil(sizes, (s) => s[0]?.[1] === 2, { what: 'two members of cart', timeoutMs: 120_000 })
    const members = await fetch(`${base}/v1/audiences/cart/members`, { headers: readHeaders() })
    expect(members.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    const lines = (await members.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.map((m) => m.user_id)).toEqual(['Cara@Example.com', 'ann'])
    expect(lines[1]).toEqual({
      user_id: 'ann',
      joined_at: new Date(EVENTS[2]?.occurred_at as number).toISOString(),
      expires_at: new Date((EVENTS[2]?.occurred_at as number) + 7 * 24 * 60 * MINUTE).toISOString(),
    })
    // The joins on the audiences topic: measured from the POST, reported, not asserted.
    await pollUntil(
      async () =>
        changes
          .filter((c) => c.change === 'joined')
          .map((c) => c.user_id)
          .sort(),
      (joined) => joined.length === 2,
      { what: 'two joins on the audiences topic', timeoutMs: 120_000 },
    )
    expect(changesOf('ann')).toEqual(['joined'])
    expect(changesOf('bob')).toEqual([])
    const delays = changes.map((c) => c.seen_at - postedAt)
    console.info(
      `audience joins on the topic ${Math.min(...delays)}-${Math.max(...delays)} ms after the POST`,
    )
    const hashed = await fetch(`${base}/v1/audiences/cart/members?format=csv&hash=sha256`, {
      headers: readHeaders(),
    })
    expect((await hashed.text()).split('\r\n')[1]).toMatch(
      // printf '%s' 'cara@example.com' | sha256sum
      /^24be2d6c78146d33cf14c9a06a4721a73d63014fecb5c16f030a0372c825c71f,/,
    )
  })

  it('forgets a person through the API: events and memberships go, the KPIs keep their sums', async () => {
    const before = await kpis()
    const headers = { authorization: `Bearer ${ADMIN_KEY}` }
    expect((await json('/v1/users/ann', { method: 'DELETE' })).status).toBe(401)
    const forgotten = await json('/v1/users/ann', { method: 'DELETE', headers })
    expect(forgotten.status).toBe(200)
    expect(forgotten.body).toMatchObject({
      user_id: 'ann',
      requested_by: 'dpo',
      via: 'api',
      raw_events_deleted: 4,
      audiences_left: ['cart'],
    })
    expect(await sizes()).toEqual([['cart', 1]])
    expect(await kpis()).toEqual(before)
    await pollUntil(
      async () => changesOf('ann'),
      (c) => c.length === 2,
      { what: "ann's left on the topic" },
    )
    expect(changesOf('ann')).toEqual(['joined', 'left'])
    const again = await json('/v1/users/ann', { method: 'DELETE', headers })
    expect(again.status).toBe(404)
  })

  it('forgets a person through `adpulse forget`, and records every deletion', async () => {
    const before = await kpis()
    const out: string[] = []
    const err: string[] = []
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      env,
    }
    expect(await forgetCommand(['Cara@Example.com', '--by', 'ops-ticket-7'], io), err.join('')).toBe(0)
    expect(JSON.parse(out.join(''))).toMatchObject({
      user_id: 'Cara@Example.com',
      requested_by: 'ops-ticket-7',
      via: 'cli',
      raw_events_deleted: 1,
      audiences_left: ['cart'],
    })
    expect(await sizes()).toEqual([['cart', 0]])
    expect(await kpis()).toEqual(before)
    await pollUntil(
      async () => changesOf('Cara@Example.com'),
      (c) => c.length === 2,
      { what: "Cara's left" },
    )
    // Each change once: no change id twice on the topic.
    expect(new Set(changes.map((c) => c.change_id)).size).toBe(changes.length)
    expect(await forgetCommand(['nobody'], { ...io, stdout: { write: () => 0 } })).toBe(2)
    expect(err.join('')).toContain('adpulse forget: no event of user "nobody" in events_raw')

    const result = await client.query({
      query: `SELECT requested_by, via, raw_events_deleted FROM ${env.CLICKHOUSE_DATABASE}.user_deletions ORDER BY deleted_at`,
      format: 'JSONEachRow',
    })
    const rows = await result.json<{
      requested_by: string
      via: string
      raw_events_deleted: number | string
    }>()
    expect(rows.map((r) => [r.requested_by, r.via, Number(r.raw_events_deleted)])).toEqual([
      ['dpo', 'api', 4],
      ['ops-ticket-7', 'cli', 1],
    ])
  })
})
