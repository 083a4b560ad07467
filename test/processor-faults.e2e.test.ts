import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { loadConfig } from '@adpulse/config'
import { type AdEvent, createEventCodec } from '@adpulse/events'
import { createKafkaClient, type KafkaClient, type Producer } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import { anEvent, mulberry32, pollUntil, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { PRICING, referenceCost } from './support/reference-pricing.ts'

/**
 * Exactly once through crashes (docs/exactly-once.md): the processor runs as a
 * process of its own and is killed with SIGKILL at random points (seeded) while
 * 200,000 events flow, restarted each time; at the end every KPI sum per
 * channel and campaign equals a reference computed here, repeats counted once.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const EVENTS = 200_000
const KILLS = 6
const SEED = 20261122
const HOUR = 3_600_000

/** A market of 5 channels × 8 campaigns; about 1 % of sends repeat an earlier event. */
function market(random: () => number, now: number): AdEvent[] {
  const channels = ['search', 'display', 'social', 'affiliate', 'email']
  const events: AdEvent[] = []
  for (let i = 0; events.length < EVENTS; i++) {
    const earlier = events[Math.floor(random() * events.length)]
    if (earlier && random() < 0.01) {
      events.push({ ...earlier, received_at: earlier.received_at + 1000 })
      continue
    }
    const channel = channels[Math.floor(random() * channels.length)] ?? 'search'
    const roll = random()
    const type = roll < 0.8 ? 'impression' : roll < 0.97 ? 'click' : 'conversion'
    const conversion = type === 'conversion'
    // The fields are drawn in this order: the seed gives the same market every run.
    const event = anEvent(
      {
        event_id: `f${i}`,
        type,
        occurred_at: now - Math.floor(random() * 6 * HOUR),
        channel,
        campaign_id: `${channel}-${Math.floor(random() * 8)}`,
        cost_micros: random() < 0.05 ? BigInt(Math.floor(random() * 5_000_000)) : null,
        value_micros: conversion ? BigInt(Math.floor(random() * 50_000_000)) : null,
        action: conversion ? (random() < 0.5 ? 'purchase' : 'lead') : null,
        currency: 'USD',
        source: 'faults',
      },
      now,
    )
    events.push(event)
  }
  return events
}

interface Sums {
  impressions: number
  clicks: number
  conversions: number
  spend_micros: string
  revenue_micros: string
}

/** Sums per channel/campaign of the first occurrence of every (source, campaign_id, event_id). */
function reference(events: AdEvent[]): { sums: Record<string, Sums>; unique: number } {
  const seen = new Set<string>()
  const sums = new Map<string, { i: number; c: number; v: number; spend: bigint; revenue: bigint }>()
  for (const e of events) {
    const id = `${e.source}/${e.campaign_id}/${e.event_id}`
    if (seen.has(id)) continue
    seen.add(id)
    const key = `${e.channel}/${e.campaign_id}`
    const s = sums.get(key) ?? { i: 0, c: 0, v: 0, spend: 0n, revenue: 0n }
    if (e.type === 'impression') s.i++
    if (e.type === 'click') s.c++
    if (e.type === 'conversion') {
      s.v++
      s.revenue += e.value_micros ?? 0n
    }
    s.spend += referenceCost(e)
    sums.set(key, s)
  }
  const out: Record<string, Sums> = {}
  for (const [key, s] of [...sums].sort(([a], [b]) => a.localeCompare(b))) {
    out[key] = {
      impressions: s.i,
      clicks: s.c,
      conversions: s.v,
      spend_micros: s.spend.toString(),
      revenue_micros: s.revenue.toString(),
    }
  }
  return { sums: out, unique: seen.size }
}

interface Child {
  process: ChildProcess
  lines: string[]
  exit: Promise<number | null>
}

function startProcessorProcess(env: Record<string, string>): Child {
  const { KAFKA_BROKERS: _unset, ...inherited } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/processor/src/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  let buffered = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    lines.push(...parts)
  })
  child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { process: child, lines, exit }
}

describe('processor faults: SIGKILL at random points while 200,000 events flow', () => {
  const id = uniqueName('faults')
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('counts every event exactly once, repeats once, whatever the kills', async () => {
    const started = Date.now()
    const workdir = await mkdtemp(join(tmpdir(), 'adpulse-faults-'))
    cleanups.push(() => rm(workdir, { recursive: true, force: true }))
    const pricingFile = join(workdir, 'pricing.json')
    await writeFile(pricingFile, JSON.stringify(PRICING))
    // Its own chDB directory: the test's process holds the run's.
    const env = testEnvironment(id, {
      ADPULSE_CHDB_PATH: join(workdir, 'chdb'),
      ADPULSE_PRICING_FILE: pricingFile,
      // The broker's minimum: a killed member's partitions move on after 6 s, not 30.
      ADPULSE_PROCESSOR_SESSION_TIMEOUT: '6s',
      ADPULSE_EVENTS_PARTITIONS: '3',
      // info: the processor logs each replayed range it skipped.
      LOG_LEVEL: 'info',
    })
    const config = loadConfig(env)
    const topic = config.kafka.topics.events
    const logger = createLogger('faults', { level: 'warn' })
    const kafka: KafkaClient = createKafkaClient({
      brokers: inject('kafkaBrokers').split(','),
      clientId: `${id}-test`,
      logger,
    })
    cleanups.push(() => kafka.close())
    await kafka.ensureTopics([{ topic, partitions: 3, replicationFactor: 1 }])
    const producer: Producer = await kafka.createProducer()
    cleanups.push(() => producer.disconnect())

    const random = mulberry32(SEED)
    const events = market(random, Date.now())
    const codec = createEventCodec()
    let produced = 0
    const produce = async (until: number) => {
      for (; produced < until; produced += 5000) {
        const chunk = events.slice(produced, Math.min(until, produced + 5000))
        await producer.send(
          topic,
          chunk.map((e) => ({ key: e.campaign_id, value: codec.encode(e) })),
        )
      }
      produced = until
    }
    const progress = () => kafka.groupProgress(config.processor.groupId, topic)
    const committed = async () =>
      (await progress()).reduce((n, p) => n + (p.committedOffset > 0n ? Number(p.committedOffset) : 0), 0)

    const kills: Array<{ round: number; committed: number; produced: number }> = []
    let child: Child | undefined
    let skippedReplays = 0
    const countSkips = (c: Child) => {
      skippedReplays += c.lines.filter((l) => l.includes('records already in ClickHouse skipped')).length
    }
    cleanups.push(async () => {
      child?.process.kill('SIGKILL')
    })
    for (let round = 0; round <= KILLS; round++) {
      child = startProcessorProcess(env)
      const share = Math.round((EVENTS * (round + 1)) / (KILLS + 1))
      // Through pollUntil: the group's coordinator may not answer yet (a retriable error).
      const before = await pollUntil(committed, () => true, { what: 'the committed offsets' })
      const producing = produce(share)
      if (round === KILLS) break
      // A random point between what is committed and what is produced so far.
      const target = before + Math.max(1, Math.floor(random() * (share - before) * 0.9))
      const at = await pollUntil(committed, (n) => n >= target, {
        what: `round ${round}: ${target} events committed`,
        timeoutMs: 120_000,
        intervalMs: 20,
      })
      child.process.kill('SIGKILL')
      await child.exit
      countSkips(child)
      await producing
      kills.push({ round, committed: at, produced })
    }
    await produce(EVENTS)
    await pollUntil(
      progress,
      (ps) => ps.length === 3 && ps.every((p) => p.committedOffset >= p.highWatermark),
      { what: 'the last processor caught up', timeoutMs: 180_000, intervalMs: 200 },
    )
    child?.process.kill('SIGTERM')
    expect(await child?.exit).toBe(0)
    if (child) countSkips(child)

    // Read what the processors wrote, from a process of its own (one chDB directory per process).
    const now = Date.now()
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'test/support/read-events-raw.ts', String(now - 24 * HOUR), String(now + HOUR)],
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
    )
    const read = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      rows: Array<Sums & { channel: string; campaign_id: string }>
      shape: { rows: number; offsets: number; ids: number }
    }
    const expected = reference(events)
    console.log(
      `[faults] ${EVENTS} events (${EVENTS - expected.unique} repeats), ${kills.length} SIGKILLs at ` +
        `${kills.map((k) => `${k.committed}/${k.produced}`).join(', ')} (committed/produced), ` +
        `${skippedReplays} replayed batches skipped as already written, ` +
        `${Math.round((Date.now() - started) / 1000)} s`,
    )
    expect(kills.length).toBeGreaterThanOrEqual(5)
    expect(read.shape).toEqual({ rows: expected.unique, offsets: expected.unique, ids: expected.unique })
    const actual: Record<string, Sums> = {}
    for (const r of read.rows) {
      actual[`${r.channel}/${r.campaign_id}`] = {
        impressions: r.impressions,
        clicks: r.clicks,
        conversions: r.conversions,
        spend_micros: r.spend_micros,
        revenue_micros: r.revenue_micros,
      }
    }
    expect(actual).toEqual(expected.sums)
  })
})
