import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual, parseArgs } from 'node:util'
import { type ClickHouseClient, KpiStore } from '@adpulse/clickhouse'
import { createHttpServer } from '@adpulse/http'
import { createLogger, createRegistry } from '@adpulse/observability'
import { registerCampaignRoutes, registerKpiRoutes } from '@adpulse/processor'
import { openMigratedChdb } from './embedded-chdb.ts'
import { BENCH_READ_KEY, type QueryCase, queryCases } from './query-cases.ts'
import { CAMPAIGN_ID_SQL, channelOf, MINUTES, planRows } from './query-data.ts'
import { loadBuckets } from './query-load.ts'
import { type CaseTimings, queryTable, referenceTable } from './query-report.ts'

/**
 * pnpm bench:query — GET /v1/kpis and /v1/campaigns on a large account: 7 days
 * of minute buckets for --campaigns campaigns × 5 ads (default 100,000; the
 * shape in query-data.ts) generated straight into kpi_buckets of embedded chDB,
 * then the typical queries (query-cases.ts) through the product beside the
 * bare SQL of the same answer, interleaved, --reps times in each of --rounds
 * rounds after a warm-up; every answer of the product must equal the bare one.
 * --data DIR keeps the database there and reuses it when it holds the rows.
 */
const { values: args } = parseArgs({
  options: {
    campaigns: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    reps: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    data: { type: 'string' },
  },
})
const CAMPAIGNS = Number(args.campaigns)
const ROUNDS = Number(args.rounds)
const REPS = Number(args.reps)
const WARMUP = Number(args.warmup)
/** "Now" of the data: its last minute ends here. Fixed, so every run holds the same rows. */
const END = Date.UTC(2026, 2, 2, 9, 17)
const DATABASE = 'bench_query'
const log = (line: string) => console.error(line)
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)

/** Runs one way of a case, timing it and checking its answer against the expected one. */
async function timed(run: () => Promise<unknown>, expected: unknown, what: string): Promise<number> {
  const started = performance.now()
  const answer = await run()
  const ms = performance.now() - started
  if (!isDeepStrictEqual(answer, expected)) {
    log(`expected ${JSON.stringify(expected).slice(0, 2000)}\ngot ${JSON.stringify(answer).slice(0, 2000)}`)
    throw new Error(`${what}: the answer differs from the bare SQL's`)
  }
  return ms
}

async function measure(c: QueryCase): Promise<CaseTimings> {
  const expected = await c.bare()
  if (!Array.isArray(expected) || expected.length === 0)
    throw new Error(`${c.name}: the bare query answers no rows`)
  const viaHttp = c.http && c.productAsHttp ? c.productAsHttp(expected) : undefined
  const timings: CaseTimings = { name: c.name, product: { rounds: [] }, bare: { rounds: [] } }
  if (c.http) timings.http = { rounds: [] }
  if (c.reference) {
    timings.reference = { rounds: [] }
    await timed(c.reference, expected, `${c.name} reference`)
  }
  for (let i = 0; i < WARMUP; i++) {
    await timed(c.product, expected, `${c.name} product`)
    if (c.http) await timed(c.http, viaHttp, `${c.name} HTTP`)
  }
  for (let round = 0; round < ROUNDS; round++) {
    const product: number[] = []
    const bare: number[] = []
    const http: number[] = []
    const reference: number[] = []
    // Interleaved, so that the machine's load falls on each way alike.
    for (let rep = 0; rep < REPS; rep++) {
      product.push(await timed(c.product, expected, `${c.name} product`))
      bare.push(await timed(c.bare, expected, `${c.name} bare`))
      if (c.http) http.push(await timed(c.http, viaHttp, `${c.name} HTTP`))
      if (c.reference) reference.push(await timed(c.reference, expected, `${c.name} reference`))
    }
    timings.reference?.rounds.push(reference)
    timings.product.rounds.push(product)
    timings.bare.rounds.push(bare)
    timings.http?.rounds.push(http)
  }
  return timings
}

async function main(): Promise<void> {
  if (!(CAMPAIGNS > 100))
    throw new Error(`--campaigns: expected more than one page of 100, got ${args.campaigns}`)
  const plan = planRows(CAMPAIGNS)
  const chdbPath = args.data ?? (await mkdtemp(join(tmpdir(), 'adpulse-bench-query-')))
  await mkdir(chdbPath, { recursive: true })
  try {
    const client = await openMigratedChdb(chdbPath, DATABASE)
    log(
      `kpi_buckets: ${plan.rows} rows, ${CAMPAIGNS} campaigns × 5 ads over ${MINUTES / 1440} days ` +
        `(${plan.tiers.map((t) => `${t.name} ${t.campaigns} every ${t.periodMinutes} min`).join(', ')})`,
    )
    const load = await loadBuckets(client, DATABASE, plan, END - MINUTES * 60_000, log)
    log(
      load.loaded
        ? `loaded in ${load.seconds.toFixed(0)} s: ${load.parts} parts, ${mb(load.bytesOnDisk)} MB on disk, ` +
            `peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`
        : `reused ${chdbPath}: ${load.parts} parts, ${mb(load.bytesOnDisk)} MB on disk`,
    )
    const store = new KpiStore(client, DATABASE)
    const app = createHttpServer({
      logger: createLogger('bench-query', { level: 'warn' }),
      registry: createRegistry('bench-query'),
      readiness: [],
      // The read-key check is part of the measured route, as in production.
      readKeys: new Map([[BENCH_READ_KEY, 'bench']]),
    })
    registerKpiRoutes(app, store, undefined, () => END - 1)
    registerCampaignRoutes(app, store)
    const deepPage = Math.max(2, Math.ceil(CAMPAIGNS / 100))
    const deepAfter = await campaignAt(client, (deepPage - 1) * 100 - 1)
    const hot = await client.query({ query: `SELECT ${CAMPAIGN_ID_SQL('0')} AS id`, format: 'JSONEachRow' })
    const hotId = String((await hot.json<{ id: string }>())[0]?.id)
    const cases = queryCases({
      client,
      database: DATABASE,
      store,
      app,
      end: END,
      hotCampaign: { channel: channelOf(0), campaign_id: hotId },
      deepAfter,
      deepPage,
      topOffset: Math.min(5000, Math.floor(CAMPAIGNS / 2)),
    })
    const results: CaseTimings[] = []
    for (const c of cases) {
      log(`${c.name}…`)
      results.push(await measure(c))
    }
    console.log(
      `\nquery benchmark: kpi_buckets of ${plan.rows} rows (${CAMPAIGNS} campaigns × 5 ads, 7 days), ` +
        `${ROUNDS} rounds × ${REPS} reps after ${WARMUP} warm-ups; p99 spread across rounds in brackets\n`,
    )
    console.log(queryTable(results))
    console.log(
      '\nreference: the bare query in one step (every campaign with its actions, then sorted), same run\n',
    )
    console.log(referenceTable(results))
    console.log(`\npeak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB (chDB and Node, one process)`)
    await app.close()
  } finally {
    if (args.data === undefined) await rm(chdbPath, { recursive: true, force: true })
  }
}

/** The (channel, campaign_id) at a 0-based position of the campaigns' order, as /v1/campaigns pages them. */
async function campaignAt(client: ClickHouseClient, index: number) {
  const result = await client.query({
    query: `SELECT channel, campaign_id FROM ${DATABASE}.kpi_buckets GROUP BY channel, campaign_id
      ORDER BY channel, campaign_id LIMIT 1 OFFSET ${index}`,
    format: 'JSONEachRow',
  })
  const row = (await result.json<{ channel: string; campaign_id: string }>())[0]
  if (row === undefined) throw new Error(`no campaign at position ${index}`)
  return { channel: row.channel, campaign_id: row.campaign_id }
}

await main()
