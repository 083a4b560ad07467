import {
  type ClickHouseClient,
  createClickHouse,
  DAY_MS,
  KpiStore,
  migrate,
  type RawEventRow,
  RawEventStore,
} from '@adpulse/clickhouse'
import { testClickHouse, testClickHouseEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rebuildCommand } from './rebuild-command.ts'

/**
 * `adpulse rebuild` through its command, against the test run's real
 * ClickHouse: damaged buckets of two days come back equal to sums computed
 * here from the raw events written, and a second run changes nothing.
 */
describe('adpulse rebuild', () => {
  const database = uniqueName('adpulse_rebuild')
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS
  const days = [today - 2 * DAY_MS, today - DAY_MS]
  let client: ClickHouseClient
  let kpis: KpiStore
  const rows: RawEventRow[] = []

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    kpis = new KpiStore(client, database)
    for (const [d, day] of days.entries()) {
      for (let i = 0; i < 500; i++) {
        const offset = rows.length
        rows.push({
          event_id: `e${offset}`,
          source: 'test',
          type: i % 10 === 0 ? 'conversion' : 'click',
          occurred_at: day + ((i * 977) % 1440) * 60_000,
          channel: ['search', 'social'][i % 2] as string,
          campaign_id: `c${i % 7}`,
          action: i % 10 === 0 ? 'purchase' : '',
          cost_micros: BigInt(1_000 + i * (d + 1)),
          value_micros: i % 10 === 0 ? 2n ** 63n + BigInt(i) : 0n,
          currency: 'USD',
          received_at: Date.now(),
          topic: 'events',
          partition: d,
          offset: String(offset),
        })
      }
    }
    const raw = new RawEventStore(client, database)
    for (const [d] of days.entries()) {
      const part = rows.filter((r) => r.partition === d)
      await raw.insert(part, `events/${d}/${part[0]?.offset}-${part[part.length - 1]?.offset}`)
    }
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  /** Per day and channel: clicks, conversions, spend, revenue, as the KPI store answers them. */
  const stored = async () =>
    (
      await kpis.sums({ from: days[0] as number, to: today }, 'channel', { unit: 'day', timeZone: 'UTC' })
    ).map((r) => [r.bucket_start, r.channel, r.clicks, r.conversions, r.spend_micros, r.revenue_micros])
  const reference = () => {
    const sums = new Map<string, [number, string, number, number, bigint, bigint]>()
    for (const r of rows) {
      const day = Math.floor(r.occurred_at / DAY_MS) * DAY_MS
      const key = `${day}/${r.channel}`
      const s = sums.get(key) ?? [day, r.channel, 0, 0, 0n, 0n]
      if (r.type === 'click') s[2]++
      if (r.type === 'conversion') s[3]++
      s[4] += r.cost_micros
      s[5] += r.value_micros
      sums.set(key, s)
    }
    return [...sums.values()].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]))
  }
  const run = async (argv: string[]) => {
    let stdout = ''
    let stderr = ''
    const code = await rebuildCommand(argv, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: testClickHouseEnvironment(database),
    })
    return { code, stdout, stderr }
  }

  it('recomputes damaged buckets of whole days from the raw events, with progress', async () => {
    expect(await stored()).toEqual(reference())
    // Damage: one day's search buckets gone, a foreign bucket added to the other.
    await client.command({
      query: `ALTER TABLE ${database}.kpi_buckets DELETE WHERE channel = 'search' AND toDate(minute) = toDate({d:UInt32})`,
      query_params: { d: (days[0] as number) / 1000 },
      clickhouse_settings: { mutations_sync: '2' },
    })
    await client.insert({
      table: `${database}.kpi_buckets`,
      format: 'JSONEachRow',
      values: [{ minute: (days[1] as number) / 1000, channel: 'social', campaign_id: 'c1', clicks: 1000 }],
    })
    expect(await stored()).not.toEqual(reference())

    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)
    const first = await run(['--from', iso(days[0] as number), '--to', iso(today)])
    expect(first).toMatchObject({ code: 0 })
    expect(first.stderr).toContain('rebuild: 100% 2/2 days')
    expect(first.stdout).toContain(`${iso(days[0] as number)}  events 500  buckets `)
    expect(first.stdout).toContain(`${iso(days[1] as number)}  events 500  buckets `)
    expect(first.stdout).toMatch(/rebuilt 2 days from 1,000 events into [\d,]+ buckets\n$/)
    expect(await stored()).toEqual(reference())

    const second = await run([`--from=${days[0]}`, `--to=${today}`])
    expect(second).toMatchObject({ code: 0, stdout: first.stdout })
    expect(await stored()).toEqual(reference())
  })

  it('refuses days past the raw retention, and says why', async () => {
    const old = new Date(today - 40 * DAY_MS).toISOString().slice(0, 10)
    const refused = await run(['--from', old, '--to', new Date(today).toISOString().slice(0, 10)])
    expect(refused).toMatchObject({ code: 2, stdout: '' })
    expect(refused.stderr).toMatch(
      /^adpulse rebuild: --from: events of days before \d{4}-\d\d-\d\d may already be past/,
    )
  })
})
