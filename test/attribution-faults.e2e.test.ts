import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { loadConfig } from '@adpulse/config'
import { type AdEvent, createEventCodec, eventKeyOf } from '@adpulse/events'
import { createKafkaClient, type KafkaClient } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import {
  anEvent,
  freePortPair,
  mulberry32,
  pollUntil,
  readHeaders,
  testEnvironment,
  uniqueName,
} from '@adpulse/testkit'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { PRICING, referenceCost } from './support/reference-pricing.ts'

/**
 * Attribution through crashes (docs/attribution.md): the processor runs as a
 * process of its own and is SIGKILLed at seeded points while clicks and
 * conversions race each other over three partitions (a conversion often sent
 * before its click, postbacks with only a click_id, conversions whose click
 * never comes or comes too late, repeats); restarted each time. At the end the
 * credit per channel, campaign and ad equals a reference computed here with
 * the same rule from the receipt times the events were sent with.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const EVENTS = 12_000
const KILLS = 3
const SEED = 20261130
const WAIT_MS = 8_000
const CHUNK = 800
const MINUTE = 60_000
const CHANNELS = ['search', 'display', 'social', 'affiliate']

interface Planned {
  event: AdEvent
  /** A repeat of an earlier event: dropped by the processor, left out of the reference. */
  repeat: boolean
}

/** Clicks with unique click ids, and conversions racing them: the order is the order of the sends. */
function market(random: () => number, now: number): Planned[] {
  const planned: Planned[] = []
  const clicks: AdEvent[] = []
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  for (let i = 0; planned.length < EVENTS; i++) {
    const roll = random()
    const earlier = planned[Math.floor(random() * planned.length)]
    if (earlier && roll < 0.01) {
      planned.push({ event: earlier.event, repeat: true })
    } else if (roll < 0.55 || clicks.length === 0) {
      const channel = pick(CHANNELS)
      const click = anEvent(
        {
          event_id: `k${i}`,
          click_id: `gclid-${i}`,
          occurred_at: now - Math.floor(random() * 60 * MINUTE),
          channel,
          campaign_id: `${channel}-${Math.floor(random() * 4)}`,
          ad_id: `ad-${Math.floor(random() * 3)}`,
          cost_micros: null,
          source: 'faults',
        },
        now,
      )
      clicks.push(click)
      planned.push({ event: click, repeat: false })
    } else {
      // A click just sent, or one still to come (the conversion is sent first), or none.
      const kind = random()
      const clickId =
        kind < 0.75
          ? (pick(clicks.slice(-40)).click_id as string)
          : `gclid-${i + (kind < 0.9 ? 3 : 10_000_000)}`
      const own = random() < 0.5
      const channel = pick(CHANNELS)
      planned.push({
        event: anEvent(
          {
            event_id: `v${i}`,
            type: 'conversion',
            action: random() < 0.5 ? 'purchase' : 'lead',
            click_id: clickId,
            occurred_at: now - Math.floor(random() * 30 * MINUTE),
            channel: own ? channel : '',
            campaign_id: own ? `${channel}-x` : '',
            cost_micros: null,
            value_micros: BigInt(Math.floor(random() * 50_000_000)),
            source: 'faults',
          },
          now,
        ),
        repeat: false,
      })
    }
  }
  return planned
}

interface Credit {
  clicks: number
  conversions: number
  revenue: bigint
  spend: bigint
  attributed: number
}

/** The credit of the events as sent (first occurrences), by the rule of docs/attribution.md. */
function reference(events: readonly AdEvent[]) {
  const clicks = new Map<string, AdEvent[]>()
  for (const e of events)
    if (e.type === 'click' && e.click_id) clicks.set(e.click_id, [...(clicks.get(e.click_id) ?? []), e])
  const out = new Map<string, Credit>()
  const add = (key: string, f: (c: Credit) => void) => {
    const c = out.get(key) ?? { clicks: 0, conversions: 0, revenue: 0n, spend: 0n, attributed: 0 }
    f(c)
    out.set(key, c)
  }
  for (const e of events) {
    if (e.type === 'click') {
      add(`${e.channel}/${e.campaign_id}/${e.ad_id ?? ''}`, (c) => {
        c.clicks++
        c.spend += referenceCost(e)
      })
      continue
    }
    const matching = (clicks.get(e.click_id ?? '') ?? []).filter(
      (k) => k.occurred_at <= e.occurred_at && k.received_at <= e.received_at + WAIT_MS,
    )
    const last = matching.sort(
      (a, b) => b.occurred_at - a.occurred_at || (a.event_id < b.event_id ? -1 : 1),
    )[0]
    const channel = last ? last.channel : e.channel || 'unattributed'
    const campaign = last ? last.campaign_id : e.campaign_id || 'unattributed'
    add(`${channel}/${campaign}/${last ? (last.ad_id ?? '') : ''}`, (c) => {
      c.conversions++
      c.revenue += e.value_micros ?? 0n
      c.spend += referenceCost({ ...e, channel })
      if (last) c.attributed++
    })
  }
  return Object.fromEntries(
    [...out]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, c]) => [
        key,
        {
          clicks: c.clicks,
          conversions: c.conversions,
          revenue_micros: c.revenue.toString(),
          spend_micros: c.spend.toString(),
          attributed: c.attributed,
        },
      ]),
  )
}

function startProcessorProcess(env: Record<string, string>): {
  process: ChildProcess
  exit: Promise<number | null>
} {
  const { KAFKA_BROKERS: _unset, ...inherited } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/processor/src/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  return { process: child, exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) }
}

describe('attribution faults: SIGKILLs while conversions race their clicks', () => {
  const id = uniqueName('attrfaults')
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('credits every conversion as the reference does, whatever the kills', async () => {
    const started = Date.now()
    const workdir = await mkdtemp(join(tmpdir(), 'adpulse-attr-faults-'))
    cleanups.push(() => rm(workdir, { recursive: true, force: true }))
    const pricingFile = join(workdir, 'pricing.json')
    await writeFile(pricingFile, JSON.stringify(PRICING))
    const port = await freePortPair()
    const env = testEnvironment(id, {
      ADPULSE_CHDB_PATH: join(workdir, 'chdb'),
      ADPULSE_PRICING_FILE: pricingFile,
      ADPULSE_PROCESSOR_SESSION_TIMEOUT: '6s',
      ADPULSE_EVENTS_PARTITIONS: '3',
      ADPULSE_PORT: String(port),
      ADPULSE_ATTRIBUTION_WAIT: `${WAIT_MS / 1000}s`,
      // The produce slack (docs/attribution.md): this test's sends are acknowledged well within it.
      ADPULSE_INGEST_REQUEST_TIMEOUT: '2s',
    })
    const config = loadConfig(env)
    const topic = config.kafka.topics.events
    const kafka: KafkaClient = createKafkaClient({
      brokers: inject('kafkaBrokers').split(','),
      clientId: `${id}-test`,
      logger: createLogger('attr-faults', { level: 'warn' }),
    })
    cleanups.push(() => kafka.close())
    await kafka.ensureTopics([{ topic, partitions: 3, replicationFactor: 1 }])
    const producer = await kafka.createProducer()
    cleanups.push(() => producer.disconnect())

    const random = mulberry32(SEED)
    const planned = market(random, Date.now())
    const sent: AdEvent[] = []
    const codec = createEventCodec()
    let produced = 0
    // As ingest does: each event stamped with its receipt just before it is produced, keyed by campaign or click_id.
    const produce = async (until: number) => {
      for (; produced < until; produced += CHUNK) {
        const chunk = planned.slice(produced, Math.min(until, produced + CHUNK)).map((p) => {
          const event = { ...p.event, received_at: Date.now() }
          if (!p.repeat) sent.push(event)
          return event
        })
        await producer.send(
          topic,
          chunk.map((e) => ({ key: eventKeyOf(e), value: codec.encode(e) })),
        )
      }
      produced = until
    }
    const progress = () => kafka.groupProgress(config.processor.groupId, topic)
    const committed = async () =>
      (await progress()).reduce((n, p) => n + (p.committedOffset > 0n ? Number(p.committedOffset) : 0), 0)

    let child: ReturnType<typeof startProcessorProcess> | undefined
    cleanups.push(async () => {
      child?.process.kill('SIGKILL')
    })
    const kills: number[] = []
    for (let round = 0; round <= KILLS; round++) {
      child = startProcessorProcess(env)
      const share = Math.round((EVENTS * (round + 1)) / (KILLS + 1))
      const before = await pollUntil(committed, () => true, { what: 'the committed offsets' })
      const producing = produce(share)
      if (round === KILLS) {
        await producing
        break
      }
      const target = before + Math.max(1, Math.floor(random() * (share - before) * 0.9))
      kills.push(
        await pollUntil(committed, (n) => n >= target, {
          what: `round ${round}: ${target} events committed`,
          timeoutMs: 120_000,
          intervalMs: 20,
        }),
      )
      child.process.kill('SIGKILL')
      await child.exit
      await producing
    }
    await produce(EVENTS)
    const expected = reference(sent)
    const conversions = sent.filter((e) => e.type === 'conversion').length
    // Every conversion decided: matched or unattributed, none waiting (GET /v1/attribution of the last processor).
    const decided = await pollUntil(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/v1/attribution?window=24h`, {
          headers: readHeaders(),
        })
        return (await response.json()) as Record<string, { conversions: number }>
      },
      (a) =>
        a.waiting?.conversions === 0 &&
        (a.matched?.conversions ?? 0) + (a.unattributed?.conversions ?? 0) === conversions,
      { what: `all ${conversions} conversions matched or unattributed`, timeoutMs: 60_000, intervalMs: 500 },
    ).catch((err: unknown) => err)
    child?.process.kill('SIGTERM')
    expect(await child?.exit).toBe(0)

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'test/support/read-attribution.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        maxBuffer: 16 * 1024 * 1024,
      },
    )
    const read = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      sums: Array<Record<string, unknown>>
      shape: Record<string, unknown>
    }
    const attributed = Object.values(expected).reduce((n, c) => n + c.attributed, 0)
    console.log(
      `[attribution faults] ${EVENTS} sends, ${sent.length} events, ${conversions} conversions ` +
        `(${attributed} credited to a click), SIGKILLs at ${kills.join(', ')} committed, ${Math.round((Date.now() - started) / 1000)} s`,
    )
    expect(kills.length).toBe(KILLS)
    const unresolved = Number(read.shape.waiting) - Number(read.shape.resolutions)
    expect({ ...read.shape, unresolved }).toMatchObject({
      rows: sent.length,
      offsets: sent.length,
      ids: sent.length,
      unresolved: 0,
    })
    expect(Number(read.shape.resolved_offsets)).toBe(Number(read.shape.resolutions))
    const actual = Object.fromEntries(
      read.sums.map((r) => [
        String(r.key),
        {
          clicks: Number(r.clicks),
          conversions: Number(r.conversions),
          revenue_micros: String(r.revenue_micros),
          spend_micros: String(r.spend_micros),
          attributed: Number(r.attributed),
        },
      ]),
    )
    expect(actual).toEqual(expected)
    expect(decided).not.toBeInstanceOf(Error)
  })
})
