import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAllInOne } from '@adpulse/adpulse'
import { loadConfig } from '@adpulse/config'
import { createSignalCodec, type Signal } from '@adpulse/events'
import { createKafkaClient, type KafkaClient } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import { pollUntil, readHeaders, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { PRICING, referenceCost } from './support/reference-pricing.ts'

/**
 * The walking skeleton end to end, on the real broker and ClickHouse of this
 * test run: HTTP → ingest → Kafka → processor → ClickHouse → /v1/kpis, and the
 * alerter's signals read back from the signals topic.
 */

const API_KEY = 'e2e-secret-key'
/** The rules of this test: the defaults' thresholds at 90 % confidence, with evidence minimums this small market meets. */
const RULES = `
rules:
  - name: cut-unprofitable
    window: 24h
    action: CUT
    when: roi < 0
    exit: roi > 0.2
    min_evidence: { spend_micros: 9000000, clicks: 5 }
  - name: scale-profitable
    window: 24h
    action: SCALE
    budget_change_pct: 20
    when: roi > 1
    exit: roi < 0.8
    min_evidence: { spend_micros: 9000000, clicks: 5, conversions: 5 }
`
const MIN_SPEND = 9_000_000n
/** 2^53 + 1: not representable as a double, so it must travel as a string of digits. */
const HUGE_VALUE = '9007199254740993'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

interface FixtureEvent {
  event_id: string
  type: 'impression' | 'click' | 'conversion'
  occurred_at: number | string
  channel: string
  campaign_id: string
  action?: string
  value_micros?: number | string
  cost_micros?: number
}

/**
 * A fixed market. Per campaign, conversions come first: a campaign's events
 * share a partition and keep their order, so any partial view the alerter sees
 * can only ever lead to the same decisions as the complete one
 * (search: SCALE or nothing; display: CUT or nothing; social and affiliate: nothing).
 * Event times are spread over now, 3 hours ago and 20 hours ago (late events).
 */
function fixture(now: number): FixtureEvent[] {
  const ages = [1 * MINUTE, 3 * HOUR, 20 * HOUR]
  const events: FixtureEvent[] = []
  let n = 0
  const add = (event: Omit<FixtureEvent, 'event_id' | 'occurred_at'>, rfc3339 = false) => {
    const at = now - (ages[n % ages.length] ?? 0)
    events.push({ event_id: `e2e-${n++}`, occurred_at: rfc3339 ? new Date(at).toISOString() : at, ...event })
  }
  const repeat = (count: number, event: Omit<FixtureEvent, 'event_id' | 'occurred_at'>) => {
    for (let i = 0; i < count; i++) add(event, i % 2 === 0)
  }
  // search, CPC: wins with plenty of conversions (ROI 2.1, its 90 % lower bound above 1) → SCALE
  repeat(15, {
    type: 'conversion',
    channel: 'search',
    campaign_id: 's1',
    action: 'purchase',
    value_micros: 10_000_000,
  })
  repeat(24, { type: 'click', channel: 'search', campaign_id: 's1' })
  repeat(60, { type: 'impression', channel: 'search', campaign_id: 's1' })
  repeat(10, {
    type: 'conversion',
    channel: 'search',
    campaign_id: 's2',
    action: 'purchase',
    value_micros: 10_000_000,
  })
  repeat(16, { type: 'click', channel: 'search', campaign_id: 's2' })
  repeat(60, { type: 'impression', channel: 'search', campaign_id: 's2' })
  // rial: no pricing model, so no spend and no decision; a sale past 2^53 micros must stay exact.
  add({
    type: 'conversion',
    channel: 'rial',
    campaign_id: 'r1',
    action: 'purchase',
    value_micros: HUGE_VALUE,
  })
  add({ type: 'conversion', channel: 'rial', campaign_id: 'r1', action: 'purchase', value_micros: 7 })
  // display, CPM: loses → CUT. One click carries an explicit cost, which overrides the model.
  add({
    type: 'conversion',
    channel: 'display',
    campaign_id: 'd1',
    action: 'purchase',
    value_micros: 2_000_000,
  })
  repeat(5, { type: 'click', channel: 'display', campaign_id: 'd1' })
  repeat(2000, { type: 'impression', channel: 'display', campaign_id: 'd1' })
  // Last: before it display has spent 8 units, below the minimum evidence, so no partial view decides.
  add({ type: 'click', channel: 'display', campaign_id: 'd1', cost_micros: 71_500_000 })
  // social, CPA on leads: ROI 0.75, between the thresholds → no signal. A signup is not a listed action.
  repeat(2, {
    type: 'conversion',
    channel: 'social',
    campaign_id: 'so1',
    action: 'lead',
    value_micros: 15_000_000,
  })
  add({
    type: 'conversion',
    channel: 'social',
    campaign_id: 'so1',
    action: 'signup',
    value_micros: 5_000_000,
  })
  repeat(8, { type: 'click', channel: 'social', campaign_id: 'so1' })
  repeat(80, { type: 'impression', channel: 'social', campaign_id: 'so1' })
  // affiliate, CPS: very profitable but spend below the minimum evidence → no signal. Commissions truncate.
  add({
    type: 'conversion',
    channel: 'affiliate',
    campaign_id: 'a1',
    action: 'purchase',
    value_micros: 33_333_333,
  })
  add({
    type: 'conversion',
    channel: 'affiliate',
    campaign_id: 'a1',
    action: 'purchase',
    value_micros: 10_000_001,
  })
  repeat(5, { type: 'click', channel: 'affiliate', campaign_id: 'a1' })
  repeat(30, { type: 'impression', channel: 'affiliate', campaign_id: 'a1' })
  return events
}

interface Sums {
  impressions: number
  clicks: number
  conversions: number
  spend_micros: bigint
  revenue_micros: bigint
}

function referenceSums(events: FixtureEvent[], key: (e: FixtureEvent) => string, from: number, to: number) {
  const sums = new Map<string, Sums>()
  for (const e of events) {
    const at = typeof e.occurred_at === 'number' ? e.occurred_at : Date.parse(e.occurred_at)
    if (at < from || at >= to) continue
    const s = sums.get(key(e)) ?? {
      impressions: 0,
      clicks: 0,
      conversions: 0,
      spend_micros: 0n,
      revenue_micros: 0n,
    }
    if (e.type === 'impression') s.impressions++
    if (e.type === 'click') s.clicks++
    if (e.type === 'conversion') {
      s.conversions++
      s.revenue_micros += BigInt(e.value_micros ?? 0)
    }
    s.spend_micros += referenceCost({
      ...e,
      cost_micros: e.cost_micros === undefined ? null : BigInt(e.cost_micros),
      value_micros: e.value_micros === undefined ? null : BigInt(e.value_micros),
    })
    sums.set(key(e), s)
  }
  return sums
}

interface KpiRow {
  channel: string
  campaign_id?: string
  impressions: number
  clicks: number
  conversions: number
  spend_micros: string
  revenue_micros: string
  ctr: number | null
  cvr: number | null
  cpc_micros: string | null
  cpm_micros: string | null
  cpa_micros: string | null
  roas: number | null
  roi: number | null
}
interface KpiAnswer {
  window: string | null
  from: string
  to: string
  rows: KpiRow[]
}

const sumsOf = (row: KpiRow) => ({
  impressions: row.impressions,
  clicks: row.clicks,
  conversions: row.conversions,
  spend_micros: BigInt(row.spend_micros),
  revenue_micros: BigInt(row.revenue_micros),
})

describe('pipeline end to end', () => {
  const id = uniqueName('e2e')
  let stop: (() => Promise<void>) | undefined
  let base = ''
  let kafka: KafkaClient
  let workdir = ''
  const now = Date.now()
  const events = fixture(now)
  const signals: Signal[] = []
  /** When each signal was read from the topic, and when ingest acknowledged the last events: the latency report. */
  const signalSeenAt = new Map<string, number>()
  let lastAcceptedAt = 0
  const deadLetters: Array<Record<string, unknown>> = []

  beforeAll(async () => {
    workdir = await mkdtemp(join(tmpdir(), 'adpulse-e2e-'))
    const pricingFile = join(workdir, 'pricing.json')
    await writeFile(pricingFile, JSON.stringify(PRICING))
    const rulesFile = join(workdir, 'rules.yaml')
    await writeFile(rulesFile, RULES)
    const config = loadConfig(
      testEnvironment(id, {
        ADPULSE_INGEST_KEYS: `e2e:${API_KEY}`,
        ADPULSE_PRICING_FILE: pricingFile,
        ADPULSE_ALERTER_INTERVAL: '500ms',
        ADPULSE_RULES_FILE: rulesFile,
        ADPULSE_PROGRESS_INTERVAL: '200ms',
      }),
    )
    const logger = createLogger('e2e', { level: 'warn' })
    const running = await startAllInOne(config, logger)
    stop = running.stop
    base = `http://127.0.0.1:${running.address.port}`

    kafka = createKafkaClient({
      brokers: inject('kafkaBrokers').split(','),
      clientId: `${id}-reader`,
      logger,
    })
    const codec = createSignalCodec()
    await kafka.consume({
      groupId: `${id}-signal-reader`,
      topics: [config.kafka.topics.signals],
      fromBeginning: true,
      onBatch: async (batch) => {
        for (const m of batch.messages) {
          if (!m.value) continue
          const signal = codec.decode(m.value)
          signals.push(signal)
          signalSeenAt.set(`${signal.channel}:${signal.action}`, Date.now())
        }
      },
    })
    await kafka.consume({
      groupId: `${id}-dlq-reader`,
      topics: [config.kafka.topics.dlq],
      fromBeginning: true,
      onBatch: async (batch) => {
        for (const m of batch.messages) if (m.value) deadLetters.push(JSON.parse(m.value.toString()))
      },
    })
  })

  afterAll(async () => {
    await kafka?.close()
    await stop?.()
    await rm(workdir, { recursive: true, force: true })
  })

  const post = (body: string, contentType: string) =>
    fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': contentType },
      body,
    })
  const kpis = async (query: string): Promise<KpiAnswer> => {
    const response = await fetch(`${base}/v1/kpis?${query}`, { headers: readHeaders() })
    expect(response.status).toBe(200)
    return (await response.json()) as KpiAnswer
  }

  it('is ready once Kafka and ClickHouse answer', async () => {
    const response = await fetch(`${base}/readyz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { kafka: 'ok', clickhouse: 'ok', 'clickhouse-writes': 'ok' },
    })
  })

  it('refuses a request without a valid key', async () => {
    const response = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong-key-123', 'content-type': 'application/json' },
      body: '[]',
    })
    expect(response.status).toBe(401)
  })

  it('accepts valid events, rejects invalid neighbours by index, as JSON and NDJSON', async () => {
    const half = Math.floor(events.length / 2)
    const invalid = [
      { event_id: 'bad-type', type: 'view', occurred_at: now, channel: 'search', campaign_id: 's1' },
      {
        event_id: 'too-old',
        type: 'click',
        occurred_at: now - 8 * 24 * HOUR,
        channel: 'search',
        campaign_id: 's1',
      },
    ]
    const first = await post(JSON.stringify([...events.slice(0, half), ...invalid]), 'application/json')
    expect(first.status).toBe(202)
    const firstBody = (await first.json()) as { accepted: number; rejected: Array<Record<string, unknown>> }
    expect(firstBody.accepted).toBe(half)
    expect(firstBody.rejected).toEqual([
      {
        index: half,
        event_id: 'bad-type',
        errors: [expect.objectContaining({ field: 'type', got: '"view"' })],
      },
      { index: half + 1, event_id: 'too-old', errors: [expect.objectContaining({ field: 'occurred_at' })] },
    ])

    const ndjson = events
      .slice(half)
      .map((e) => JSON.stringify(e))
      .join('\n')
    const second = await post(ndjson, 'application/x-ndjson')
    lastAcceptedAt = Date.now()
    expect(second.status).toBe(202)
    expect(await second.json()).toEqual({ accepted: events.length - half, rejected: [] })
  })

  it('keeps every rejected event on the dead-letter topic with its reason', async () => {
    const letters = await pollUntil(
      async () => deadLetters,
      (seen) => seen.length >= 2,
      { what: 'two dead letters' },
    )
    expect(letters.map((l) => l.event_id).sort()).toEqual(['bad-type', 'too-old'])
    // A late event's record says too_late, as adpulse_dead_letters_total does (docs/dead-letters.md).
    const reasons: Record<string, string> = { 'bad-type': 'invalid_event', 'too-old': 'too_late' }
    for (const letter of letters) {
      expect(letter).toMatchObject({
        reason: reasons[String(letter.event_id)],
        source: 'e2e',
        stage: 'ingest',
      })
    }
  })

  it('answers exact sums and KPIs per channel over 24 hours, late events in their own buckets', async () => {
    const answer = await pollUntil(
      () => kpis('window=24h&by=channel'),
      (a) => a.rows.reduce((n, r) => n + r.impressions + r.clicks + r.conversions, 0) === events.length,
      { what: 'every accepted event in /v1/kpis', timeoutMs: 90_000 },
    )
    const from = Date.parse(answer.from)
    const to = Date.parse(answer.to)
    expect(to - from).toBe(24 * HOUR)
    expect(answer.window).toBe('24h')
    const expected = referenceSums(events, (e) => e.channel, from, to)
    expect(Object.fromEntries(answer.rows.map((r) => [r.channel, sumsOf(r)]))).toEqual(
      Object.fromEntries(expected),
    )

    // Derived KPIs of one channel, by hand: display spent 2000 × 4000 + 71,500,000 = 79,500,000 micros.
    const display = answer.rows.find((r) => r.channel === 'display')
    expect(display).toMatchObject({
      spend_micros: '79500000',
      revenue_micros: '2000000',
      ctr: 6 / 2000,
      cvr: 1 / 6,
      cpc_micros: '13250000',
      cpm_micros: '39750000',
      cpa_micros: '79500000',
      roas: 2_000_000 / 79_500_000,
      roi: (2_000_000 - 79_500_000) / 79_500_000,
    })
    // Money past 2^53 stays exact: 9,007,199,254,740,993 + 7.
    expect(answer.rows.find((r) => r.channel === 'rial')?.revenue_micros).toBe('9007199254741000')
  })

  it('answers per campaign, and the 1 hour window holds only the recent events', async () => {
    const byCampaign = await kpis('window=24h&by=campaign')
    const from = Date.parse(byCampaign.from)
    const to = Date.parse(byCampaign.to)
    const expected = referenceSums(events, (e) => `${e.channel}/${e.campaign_id}`, from, to)
    expect(
      Object.fromEntries(byCampaign.rows.map((r) => [`${r.channel}/${r.campaign_id}`, sumsOf(r)])),
    ).toEqual(Object.fromEntries(expected))

    const lastHour = await kpis('window=1h')
    const recent = referenceSums(events, (e) => e.channel, Date.parse(lastHour.from), Date.parse(lastHour.to))
    expect(Object.fromEntries(lastHour.rows.map((r) => [r.channel, sumsOf(r)]))).toEqual(
      Object.fromEntries(recent),
    )
    const total = lastHour.rows.reduce((n, r) => n + r.impressions + r.clicks + r.conversions, 0)
    expect(total).toBeGreaterThan(0)
    expect(total).toBeLessThan(events.length)
  })

  it('publishes CUT for the losing channel and SCALE for the winning one on the signals topic', async () => {
    await pollUntil(
      async () => signals.map((s) => `${s.channel}:${s.action}`),
      (seen) => seen.includes('display:CUT') && seen.includes('search:SCALE'),
      { what: 'CUT display and SCALE search on the signals topic', timeoutMs: 90_000 },
    )
    // Reported, never asserted (a shared machine): from ingest's 202 to the signal on the topic.
    for (const key of ['display:CUT', 'search:SCALE']) {
      console.info(
        `[latency] ${key}: ${((signalSeenAt.get(key) ?? Number.NaN) - lastAcceptedAt) / 1000} s after the 202`,
      )
    }
    // Exactly those two: social sits between the thresholds, affiliate lacks the minimum spend.
    expect(signals.map((s) => `${s.channel}:${s.action}`).sort()).toEqual(['display:CUT', 'search:SCALE'])
    const cut = signals.find((s) => s.action === 'CUT')
    expect(cut).toMatchObject({
      scope: 'channel',
      channel: 'display',
      spend_micros: '79500000',
      revenue_micros: '2000000',
      conversions: 1,
      budget_change_pct: -100,
      rule: 'cut-unprofitable',
      condition: 'roi < 0',
      exit_condition: 'roi > 0.2',
      confidence: 0.9,
      cut_below_roi: 0,
      min_spend_micros: MIN_SPEND.toString(),
    })
    expect(cut?.signal_id).toMatch(/^[0-9a-f]{32}$/)
    expect(cut?.scale_above_roi).toBeNaN()
    // Decided on the bound, not the point: the whole 90 % interval of ROI is below 0.
    expect(cut?.roi_upper).toBeLessThan(0)
    const scale = signals.find((s) => s.action === 'SCALE')
    expect(scale?.roi_lower).toBeGreaterThan(1)

    // Polled: on a loaded machine one evaluation may find the progress records behind (stale).
    const listed = await pollUntil(
      async () =>
        (await (await fetch(`${base}/v1/signals`, { headers: readHeaders() })).json()) as {
          status: { state: string }
          signals: Signal[]
        },
      (answer) => answer.status.state === 'ok',
      { what: 'the alerter deciding (state ok) on /v1/signals' },
    )
    expect(listed.signals.map((s) => s.signal_id).sort()).toEqual(signals.map((s) => s.signal_id).sort())
  })
})
