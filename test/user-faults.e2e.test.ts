import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createKafkaClient, type KafkaClient } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import {
  freePortPair,
  mulberry32,
  pollUntil,
  readHeaders,
  testEnvironment,
  uniqueName,
} from '@adpulse/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { type AdpulseProcess, assertRunning, startAdpulse, untilReady } from './support/adpulse-process.ts'
import { type KillableBroker, startKillableBroker } from './support/killable-broker.ts'
import { DEFAULT_PRICING_FILE, type PricingFile, referencePricer } from './support/reference-pricing.ts'
import { type AcceptedBatch, startRetryingSender } from './support/retrying-sender.ts'

/**
 * Faults as a user meets them (docs/exactly-once.md): `adpulse start` as the
 * README runs it, with the default pricing file, fed over HTTP by a client
 * that sends each batch again until it is answered 202; the process is
 * SIGKILLed at seeded random points while the client sends, and once the
 * Kafka broker is SIGKILLed with it, and each is started again on the same
 * data. Afterwards /v1/kpis holds exactly the events answered 202, each once:
 * the repeats the client sent on purpose and the resends after lost answers.
 */
const EVENTS = 300_000
const BATCH = 500
const IN_FLIGHT = 4
const KILLS = 5
const SEED = 20261210
const HOUR = 3_600_000
const MINUTE = 60_000
// The development key a process has without ADPULSE_INGEST_KEYS (`demo:adpulse-dev-key`): its source is `demo`.
const API_KEY = 'adpulse-dev-key'
const SOURCE = 'demo'

/** An event as a client posts it: JSON numbers for time and money. */
interface PostedEvent {
  event_id: string
  type: 'impression' | 'click' | 'conversion'
  occurred_at: number
  channel: string
  campaign_id: string
  cost_micros?: number
  value_micros?: number
  action?: string
}

/**
 * 6 channels (5 in the default pricing file, `video` in none) × 6 campaigns
 * over the last 6 hours; about 1 % of the events are sent again later (the
 * same event, a client's deliberate repeat), a few carry their own cost, and
 * conversions carry a value and one of the actions the pricing file knows.
 */
function market(random: () => number, now: number): PostedEvent[] {
  const channels = ['search', 'display', 'social', 'affiliate', 'email', 'video']
  const actions = ['purchase', 'lead', 'signup', 'install']
  const events: PostedEvent[] = []
  for (let i = 0; events.length < EVENTS; i++) {
    const earlier = events[Math.floor(random() * events.length)]
    if (earlier && random() < 0.01) {
      events.push(earlier)
      continue
    }
    const channel = channels[Math.floor(random() * channels.length)] ?? 'search'
    const roll = random()
    const type = roll < 0.8 ? 'impression' : roll < 0.96 ? 'click' : 'conversion'
    const event: PostedEvent = {
      event_id: `u${i}`,
      type,
      occurred_at: now - MINUTE - Math.floor(random() * 6 * HOUR),
      channel,
      campaign_id: `${channel}-${Math.floor(random() * 6)}`,
    }
    if (random() < 0.03) event.cost_micros = Math.floor(random() * 3_000_000)
    if (type === 'conversion') {
      event.action = actions[Math.floor(random() * actions.length)] ?? 'purchase'
      event.value_micros = Math.floor(random() * 80_000_000)
    }
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

/**
 * The client's own sums of the events answered 202 (never the rejected
 * ones), each (source, campaign_id, event_id) once, per channel and per
 * channel/campaign, priced by hand with the default pricing file.
 */
function reference(
  events: PostedEvent[],
  accepted: AcceptedBatch[],
  pricing: PricingFile,
): { byChannel: Record<string, Sums>; byCampaign: Record<string, Sums>; unique: number } {
  const price = referencePricer(pricing)
  const seen = new Set<string>()
  const channel = new Map<string, Totals>()
  const campaign = new Map<string, Totals>()
  for (const { index, rejected } of accepted) {
    const refused = new Set(rejected)
    events.slice(index * BATCH, (index + 1) * BATCH).forEach((e, i) => {
      const id = `${SOURCE}/${e.campaign_id}/${e.event_id}`
      if (refused.has(i) || seen.has(id)) return
      seen.add(id)
      const cost = price({
        type: e.type,
        channel: e.channel,
        campaign_id: e.campaign_id,
        action: e.action ?? null,
        cost_micros: e.cost_micros === undefined ? null : BigInt(e.cost_micros),
        value_micros: e.value_micros === undefined ? null : BigInt(e.value_micros),
      })
      for (const [map, key] of [
        [channel, e.channel],
        [campaign, `${e.channel}/${e.campaign_id}`],
      ] as const) {
        const t = map.get(key) ?? { impressions: 0, clicks: 0, conversions: 0, spend: 0n, revenue: 0n }
        if (e.type === 'impression') t.impressions++
        if (e.type === 'click') t.clicks++
        if (e.type === 'conversion') {
          t.conversions++
          t.revenue += BigInt(e.value_micros ?? 0)
        }
        t.spend += cost
        map.set(key, t)
      }
    })
  }
  return { byChannel: asSums(channel), byCampaign: asSums(campaign), unique: seen.size }
}

interface Totals {
  impressions: number
  clicks: number
  conversions: number
  spend: bigint
  revenue: bigint
}

function asSums(totals: Map<string, Totals>): Record<string, Sums> {
  const out: Record<string, Sums> = {}
  for (const [key, t] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
    out[key] = {
      impressions: t.impressions,
      clicks: t.clicks,
      conversions: t.conversions,
      spend_micros: t.spend.toString(),
      revenue_micros: t.revenue.toString(),
    }
  }
  return out
}

interface KpiRow extends Sums {
  channel: string
  campaign_id?: string
}

describe('faults as a user meets them: adpulse start SIGKILLed under a retrying client, once with its broker', () => {
  const id = uniqueName('ufaults')
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  })

  it('answers /v1/kpis with exactly the events answered 202, each once, whatever the kills', async () => {
    const started = Date.now()
    const random = mulberry32(SEED)
    const now = Date.now()
    const events = market(random, now)
    const batches = Array.from({ length: Math.ceil(EVENTS / BATCH) }, (_, i) =>
      events.slice(i * BATCH, (i + 1) * BATCH),
    )
    const pricing = JSON.parse(await readFile(DEFAULT_PRICING_FILE, 'utf8')) as PricingFile

    // A broker of this test's own: the run's shared one must never be killed.
    const broker: KillableBroker = await startKillableBroker()
    cleanups.push(() => broker.cleanup())
    const chdb = await mkdtemp(join(tmpdir(), 'adpulse-ufaults-'))
    cleanups.push(() => rm(chdb, { recursive: true, force: true }))
    const port = await freePortPair()
    const env = testEnvironment(id, {
      KAFKA_BROKERS: broker.brokers.join(','),
      // Its own chDB directory: the test's process holds the run's.
      ADPULSE_CHDB_PATH: chdb,
      ADPULSE_PORT: String(port),
      // The broker's minimum: a killed member's partitions move on after 6 s, not 30.
      ADPULSE_PROCESSOR_SESSION_TIMEOUT: '6s',
    })
    const base = `http://127.0.0.1:${port}`
    const kafka: KafkaClient = createKafkaClient({
      brokers: broker.brokers,
      clientId: `${id}-test`,
      logger: createLogger('ufaults', { level: 'fatal' }),
    })
    cleanups.push(() => kafka.close())

    let adpulse: AdpulseProcess = startAdpulse(env)
    cleanups.push(async () => void adpulse.child.kill('SIGKILL'))
    await untilReady(adpulse, base)

    const sender = startRetryingSender({
      url: `${base}/v1/events`,
      apiKey: API_KEY,
      batches,
      concurrency: IN_FLIGHT,
      retryDelayMs: 100,
    })
    const brokerRound = 1 + Math.floor(random() * (KILLS - 2))
    const kills: Array<{ accepted: number; inFlight: number; broker: boolean; downMs: number }> = []
    for (let round = 0; round < KILLS; round++) {
      // A seeded point in this round's share of the events, the last share left to run to the end.
      const target = Math.floor((EVENTS / (KILLS + 1)) * (round + 0.2 + 0.7 * random()))
      await pollUntil(
        async () => {
          assertRunning(adpulse)
          return sender.acceptedEvents()
        },
        (n) => n >= target,
        { what: `round ${round}: ${target} events answered 202`, timeoutMs: 120_000, intervalMs: 10 },
      )
      // Then a seeded pause, so the kill does not always follow a 202 at once.
      await new Promise((resolve) => setTimeout(resolve, random() * 500))
      const withBroker = round === brokerRound
      if (withBroker) {
        await broker.kill()
        // Ingest waits for acknowledgements that will not come: requests pile up, then the process dies under them.
        await new Promise((resolve) => setTimeout(resolve, 500 + random() * 1500))
      }
      const inFlight = sender.inFlight()
      const killedAt = Date.now()
      adpulse.child.kill('SIGKILL')
      await adpulse.exit
      const accepted = sender.acceptedEvents()
      if (withBroker) await broker.start()
      adpulse = startAdpulse(env)
      await untilReady(adpulse, base)
      kills.push({ accepted, inFlight, broker: withBroker, downMs: Date.now() - killedAt })
    }

    await pollUntil(
      async () => {
        assertRunning(adpulse)
        return sender.acceptedEvents()
      },
      (n) => n === EVENTS,
      { what: 'every event answered 202', timeoutMs: 180_000, intervalMs: 50 },
    )
    const accepted = await sender.done
    const sentMs = Date.now() - started
    const topic = env.ADPULSE_TOPIC_EVENTS ?? ''
    const group = env.ADPULSE_PROCESSOR_GROUP ?? ''
    const progress = await pollUntil(
      () => kafka.groupProgress(group, topic),
      (ps) => ps.length > 0 && ps.every((p) => p.committedOffset >= p.highWatermark),
      { what: 'the processor caught up with the events topic', timeoutMs: 180_000, intervalMs: 250 },
    )

    const caughtUpMs = Date.now() - started
    // Every event answered 202 is in Kafka at least once; what is past EVENTS are resends after lost answers.
    const records = progress.reduce((n, p) => n + Number(p.highWatermark), 0)
    const from = Math.floor((now - 7 * HOUR) / MINUTE) * MINUTE
    const to = Math.ceil((Date.now() + MINUTE) / MINUTE) * MINUTE
    const kpis = async (by: 'channel' | 'campaign'): Promise<KpiRow[]> => {
      const response = await fetch(`${base}/v1/kpis?from=${from}&to=${to}&by=${by}`, {
        headers: readHeaders(),
      })
      expect(response.status).toBe(200)
      return ((await response.json()) as { rows: KpiRow[] }).rows
    }
    const sumsOf = (r: KpiRow): Sums => ({
      impressions: r.impressions,
      clicks: r.clicks,
      conversions: r.conversions,
      spend_micros: r.spend_micros,
      revenue_micros: r.revenue_micros,
    })
    const byChannel = Object.fromEntries((await kpis('channel')).map((r) => [r.channel, sumsOf(r)]))
    const byCampaign = Object.fromEntries(
      (await kpis('campaign')).map((r) => [`${r.channel}/${r.campaign_id}`, sumsOf(r)]),
    )

    adpulse.child.kill('SIGTERM')
    expect(await adpulse.exit).toBe(0)

    const expected = reference(events, accepted, pricing)
    const withRequests = kills.filter((k) => k.inFlight > 0).length
    const { stats } = sender
    console.log(`user-faults: kills with requests in flight: ${withRequests} of ${kills.length}`)
    console.log(
      `user-faults: ${EVENTS} events sent (${EVENTS - expected.unique} deliberate repeats), ` +
        `${stats.requests} requests for ${stats.accepted} batches of ${BATCH}: ` +
        `${stats.lostAnswers} answers lost to a broken connection, ` +
        `${stats.refusedConnections} refused connections, other answers ${JSON.stringify(stats.statuses)}; ` +
        `${records} records on the events topic (${records - EVENTS} events there twice: resent after an answer lost once Kafka had them); ` +
        `SIGKILLs after ${kills.map((k) => `${k.accepted}${k.broker ? ' (with the broker)' : ''} [${k.inFlight} in flight, ready again after ${k.downMs} ms]`).join(', ')} events answered 202; ` +
        `all answered 202 after ${Math.round(sentMs / 1000)} s, processed after ${Math.round(caughtUpMs / 1000)} s, ` +
        `done after ${Math.round((Date.now() - started) / 1000)} s`,
    )

    expect(kills).toHaveLength(KILLS)
    expect(kills.filter((k) => k.broker)).toHaveLength(1)
    expect(accepted.filter((a) => a !== undefined)).toHaveLength(batches.length)
    expect(accepted.flatMap((a) => a.rejected)).toEqual([])
    expect(records).toBeGreaterThanOrEqual(EVENTS)
    // The money is not trivial: every priced channel spent, and conversions earned.
    for (const channel of ['search', 'display', 'social', 'affiliate', 'email']) {
      expect(BigInt(expected.byChannel[channel]?.spend_micros ?? '0')).toBeGreaterThan(0n)
    }
    expect(byChannel).toEqual(expected.byChannel)
    expect(byCampaign).toEqual(expected.byCampaign)
  }, 480_000)
})
