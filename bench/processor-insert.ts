import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ClickHouseClient, migrate, RawEventStore } from '@adpulse/clickhouse'
import { openEmbeddedChdb } from './embedded-chdb.ts'
import { makeEvent } from './processor-events.ts'
import { median } from './stats.ts'

/**
 * `tsx bench/processor-insert.ts`: the store alone, without Kafka. Inserts the
 * benchmark's events (BENCH_EVENTS, default 100,000, over BENCH_CAMPAIGNS
 * campaigns) into events_raw of embedded chDB in slices of 10,000 through
 * RawEventStore.insert, under a writer claim as the processor does, in
 * variants that each run in a fresh database of the same process (one chDB
 * data directory), interleaved over BENCH_RUNS rounds: what the bucket view
 * costs, and what the insert settings the view could take would save.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000)
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const SLICE = Number(process.env.BENCH_SLICE ?? 10_000)
const TOPIC = 'bench.insert'

type Variant = {
  name: string
  prepare: (client: ClickHouseClient, db: string) => Promise<void>
  /** true: @clickhouse/client's insert (a wrapped client has no chDB file insert, chdb-file-insert.ts). */
  viaClient?: boolean
}

const wrapped = (client: ClickHouseClient): ClickHouseClient =>
  new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })

const VARIANTS: Variant[] = [
  {
    name: 'events_raw + kpi_buckets_mv (as deployed)',
    prepare: async (client) => {
      await client.command({ query: 'SET optimize_on_insert = 1' })
    },
  },
  {
    name: 'as deployed, through @clickhouse/client (before this change)',
    viaClient: true,
    prepare: async (client) => {
      await client.command({ query: 'SET optimize_on_insert = 1' })
    },
  },
  {
    name: 'events_raw without the view',
    prepare: async (client, db) => {
      await client.command({ query: `DROP TABLE ${db}.kpi_buckets_mv` })
    },
  },
  {
    name: 'view, events_raw without the writer fence (CHECK with joinGet)',
    prepare: async (client, db) => {
      await client.command({ query: 'SET optimize_on_insert = 1' })
      await client.command({ query: `ALTER TABLE ${db}.events_raw DROP CONSTRAINT writer_holds_partition` })
    },
  },
  {
    name: 'view, kpi_buckets without its newest_offsets projection',
    prepare: async (client, db) => {
      await client.command({ query: `ALTER TABLE ${db}.kpi_buckets DROP PROJECTION newest_offsets` })
    },
  },
  {
    name: 'view, kpi_buckets without optimize_on_insert',
    // A setting of the session (chDB keeps a SET for the session's later queries), reset by the next variant.
    prepare: async (client) => {
      await client.command({ query: 'SET optimize_on_insert = 0' })
    },
  },
]

function rowsOf(now: number) {
  return Array.from({ length: EVENTS }, (_, i) => {
    const e = makeEvent(i, now, CAMPAIGNS)
    return {
      ...e,
      action: e.action ?? '',
      cost_micros: e.cost_micros ?? 0n,
      value_micros: e.value_micros ?? 0n,
      topic: TOPIC,
      partition: 0,
      offset: String(i),
    }
  })
}

async function main(): Promise<void> {
  const path = await mkdtemp(join(tmpdir(), 'adpulse-bench-insert-'))
  const client = await openEmbeddedChdb(path)
  const rows = rowsOf(Date.now())
  const rates = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]))
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const variant of VARIANTS) {
        const db = `insert_${run}_${rates.get(variant.name)?.length}_${Date.now()}`
        await migrate(client, db)
        await variant.prepare(client, db)
        const store = new RawEventStore(variant.viaClient ? wrapped(client) : client, db)
        await store.claimPartition(TOPIC, 0, 'bench')
        const started = performance.now()
        for (let at = 0; at < rows.length; at += SLICE) {
          const slice = rows.slice(at, at + SLICE)
          await store.insert(slice, `${TOPIC}/0/${at}`, 'bench')
        }
        rates.get(variant.name)?.push(EVENTS / ((performance.now() - started) / 1000))
        await client.command({ query: `DROP DATABASE ${db}` })
      }
    }
  } finally {
    await client.close()
    await rm(path, { recursive: true, force: true })
  }
  console.log(
    `\nevents_raw inserts: ${EVENTS} rows, ${CAMPAIGNS} campaigns, slices of ${SLICE}, medians of ${RUNS}\n`,
  )
  console.log('| variant | rows/s | runs |')
  console.log('| --- | ---: | --- |')
  for (const [name, r] of rates) {
    console.log(`| ${name} | ${Math.round(median(r))} | ${r.map(Math.round).join(' / ')} |`)
  }
}

await main()
