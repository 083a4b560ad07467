import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type ClickHouseClient, createClickHouse, KpiStore, migrate } from '@adpulse/clickhouse'
import type { MinuteBucket } from '@adpulse/kpi'
import { parseRules, type Rule } from '@adpulse/rules'
import { testClickHouse, testClickHouseEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type BacktestResult, runBacktest } from './backtest.ts'
import { backtestCommand } from './backtest-command.ts'
import { formatJsonLines } from './backtest-report.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const FROM = Date.UTC(2026, 2, 1, 0, 0)
const TO = FROM + 6 * HOUR
const STEP = 15 * MINUTE
/** History starts a window before FROM, so the first step judges a full hour. */
const HISTORY = FROM - HOUR
const UNIT = 1_000_000
/** display/d1 turns unprofitable at FROM + 2h, display/d2 at FROM + 3h. */
const TURN: Record<string, number> = { d1: FROM + 2 * HOUR, d2: FROM + 3 * HOUR }

/**
 * The crafted history, one bucket per entity and minute:
 *  - display/d1 and d2: 10 units of spend a minute; 3 conversions of 5 units
 *    (ROI +0.5) until their turn, then 1 (ROI −0.5);
 *  - search/s1: 10.000007 units a minute, 4 conversions of 10 units (ROI ≈ 3), throughout;
 *  - social/so1: 2 conversions of 6 units on 10 units (ROI +0.2), never certain either way;
 *  - email/e1: 1 unit a minute, no conversion (ROI −1) but below the minimum spend.
 */
function bucketsAt(minute: number): MinuteBucket[] {
  const bucket = (
    channel: string,
    campaign: string,
    b: Omit<MinuteBucket, 'minute' | 'channel' | 'campaign_id' | 'revenue_micros' | 'revenue_squares'>,
    value: number,
  ): MinuteBucket => ({
    minute,
    channel,
    campaign_id: campaign,
    ...b,
    revenue_micros: BigInt(b.conversions * value),
    // Every conversion of an entity has the same value, so Σ value² = n·value².
    revenue_squares: b.conversions * value * value,
  })
  const display = (campaign: string) =>
    bucket(
      'display',
      campaign,
      {
        impressions: 500,
        clicks: 20,
        conversions: minute < (TURN[campaign] ?? 0) ? 3 : 1,
        spend_micros: 10_000_000n,
      },
      5 * UNIT,
    )
  return [
    display('d1'),
    display('d2'),
    bucket(
      'search',
      's1',
      { impressions: 1000, clicks: 40, conversions: 4, spend_micros: 10_000_007n },
      10 * UNIT,
    ),
    bucket(
      'social',
      'so1',
      { impressions: 800, clicks: 30, conversions: 2, spend_micros: 10_000_000n },
      6 * UNIT,
    ),
    bucket('email', 'e1', { impressions: 100, clicks: 2, conversions: 0, spend_micros: 1_000_000n }, 0),
  ]
}
const HISTORY_BUCKETS = Array.from({ length: (TO - HISTORY) / MINUTE }, (_, i) =>
  bucketsAt(HISTORY + i * MINUTE),
).flat()

const RULES_DOCUMENT = {
  rules: [
    {
      name: 'cut-unprofitable',
      scope: 'both',
      window: '1h',
      action: 'CUT',
      when: 'roi < 0',
      exit: 'roi > 0.2',
      min_evidence: { spend_micros: 100_000_000, clicks: 50 },
      confidence: 0.9,
      cooldown: '1h',
    },
    {
      name: 'scale-profitable',
      scope: 'channel',
      window: '1h',
      action: 'SCALE',
      budget_change_pct: 33,
      max_total_change_pct: 100,
      when: 'roi > 1',
      exit: 'roi < 0.8',
      min_evidence: { spend_micros: 100_000_000, conversions: 5 },
      confidence: 0.9,
      cooldown: '1h',
    },
  ],
}

/** The expectation, computed here from the crafted buckets and docs/decisions.md, not by the engine. */
interface Expected {
  time: number
  rule: string
  action: 'CUT' | 'SCALE'
  entity: string
  change: number
  spendAfter: bigint
  share: bigint
}

const entityOf = (b: MinuteBucket, scope: 'channel' | 'campaign') =>
  scope === 'channel' ? b.channel : `${b.channel}/${b.campaign_id}`

function sumsOf(entity: string, scope: 'channel' | 'campaign', from: number, to: number) {
  const s = { spend: 0n, revenue: 0, squares: 0, conversions: 0, clicks: 0 }
  for (const b of HISTORY_BUCKETS) {
    if (b.minute < from || b.minute >= to || entityOf(b, scope) !== entity) continue
    s.spend += b.spend_micros
    s.revenue += Number(b.revenue_micros)
    s.squares += b.revenue_squares
    s.conversions += b.conversions
    s.clicks += b.clicks
  }
  return s
}

/** Φ⁻¹(0.9), the z of the rules' 90 % confidence. */
const Z = 1.2815515655446004

/**
 * The always-valid Poisson upper bound of docs/decisions.md (Repeated looks): the λ where
 * L(n, λ) = Σ_{j≥0} λʲ·n!/(n+j+1)! reaches 1/α, here by bisection on the series summed in logs.
 */
function anytimeUpper(n: number, alpha: number): number {
  const logL = (lambda: number) => {
    let logTerm = -Math.log(n + 1)
    let logSum = logTerm
    for (let j = 0; j < 100_000; j++) {
      logTerm += Math.log(lambda) - Math.log(n + j + 2)
      logSum = Math.max(logSum, logTerm) + Math.log1p(Math.exp(-Math.abs(logSum - logTerm)))
      if (logTerm < logSum - 40 && lambda < n + j + 2) break
    }
    return logSum
  }
  let low = 0
  let high = 10 * (n + 10)
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2
    if (logL(mid) < Math.log(1 / alpha)) low = mid
    else high = mid
  }
  return high
}

/**
 * ROI bounds as docs/decisions.md defines them: revenue lower is the smaller of
 * revenue − z·√Σvalue² and mean value × the Wilson–Hilferty lower bound of the count;
 * revenue upper the larger of revenue + z·√Σvalue² and the credible mean value × the
 * always-valid count bound at α = 0.1. Every conversion of an entity here has the same
 * value, so the within spread of the value prior is 0, k = 0, and the credible mean
 * value is the entity's own.
 */
function roiBounds(s: ReturnType<typeof sumsOf>): { lower: number; upper: number } {
  const n = s.conversions
  if (n === 0) throw new Error('reference: an entity without conversions needs the value prior')
  const mean = s.revenue / n
  const half = Z * Math.sqrt(s.squares)
  const countLower = n * (1 - 1 / (9 * n) - Z / (3 * Math.sqrt(n))) ** 3
  const revenueLower = Math.max(0, Math.min(s.revenue - half, mean * countLower))
  const revenueUpper = Math.max(s.revenue + half, mean * anytimeUpper(n, 0.1))
  const spend = Number(s.spend)
  return { lower: (revenueLower - spend) / spend, upper: (revenueUpper - spend) / spend }
}

/**
 * Expected signals. CUT (−100 %, capped at once): the first step whose window
 * [t − 1h, t) has the minimum evidence and a ROI upper bound below 0; checked
 * that the point ROI never climbs above the exit (0.2) later, so the state is
 * never left and no second CUT can come. SCALE (+33 %, cap 100 %, cooldown 1h):
 * every step whose lower bound is above 1, at most one per hour, until the cap
 * (33 + 33 + 33 + 1); checked that the point ROI never falls below the exit (0.8).
 */
function expectedSignals(): Expected[] {
  const steps = Array.from({ length: (TO - FROM) / STEP }, (_, i) => FROM + i * STEP)
  const entities: Array<[string, 'channel' | 'campaign']> = []
  for (const b of bucketsAt(FROM)) {
    entities.push([b.channel, 'channel'], [entityOf(b, 'campaign'), 'campaign'])
  }
  const spendAfter = (entity: string, scope: 'channel' | 'campaign', t: number) =>
    sumsOf(entity, scope, t, TO).spend
  const expected: Expected[] = []
  for (const [entity, scope] of new Map(entities)) {
    let cutAt: number | undefined
    let scaled = { last: Number.NEGATIVE_INFINITY, total: 0 }
    for (const t of steps) {
      const s = sumsOf(entity, scope, t - HOUR, t)
      const point = (s.revenue - Number(s.spend)) / Number(s.spend)
      if (cutAt !== undefined && point > 0.2)
        throw new Error(`reference: ${entity} would leave the CUT state`)
      if (scaled.total > 0 && point < 0.8) throw new Error(`reference: ${entity} would leave the SCALE state`)
      if (s.spend < 100_000_000n) continue
      const roi = roiBounds(s)
      if (cutAt === undefined && s.clicks >= 50 && roi.upper < 0) {
        cutAt = t
        const after = spendAfter(entity, scope, t)
        expected.push({
          time: t,
          rule: 'cut-unprofitable',
          action: 'CUT',
          entity,
          change: -100,
          spendAfter: after,
          share: after,
        })
      }
      if (
        scope === 'channel' &&
        s.conversions >= 5 &&
        roi.lower > 1 &&
        t - scaled.last >= HOUR &&
        scaled.total < 100
      ) {
        const change = Math.min(33, 100 - scaled.total)
        scaled = { last: t, total: scaled.total + change }
        const after = spendAfter(entity, scope, t)
        expected.push({
          time: t,
          rule: 'scale-profitable',
          action: 'SCALE',
          entity,
          change,
          spendAfter: after,
          share: (after * BigInt(change)) / 100n,
        })
      }
    }
  }
  // The engine's order: by step, then rule, then channels before campaigns, then by name.
  const ruleOrder = (e: Expected) => (e.rule === 'cut-unprofitable' ? 0 : 1)
  const scopeOrder = (e: Expected) => (e.entity.includes('/') ? 1 : 0)
  return expected.sort(
    (a, b) =>
      a.time - b.time ||
      ruleOrder(a) - ruleOrder(b) ||
      scopeOrder(a) - scopeOrder(b) ||
      a.entity.localeCompare(b.entity),
  )
}

describe('runBacktest over stored minute buckets', () => {
  const database = uniqueName('adpulse_backtest')
  let client: ClickHouseClient
  let store: KpiStore
  let rules: Rule[]
  let queries: Array<{ from: number; to: number; by: string }>
  let first: BacktestResult
  const progress: Array<[number, number]> = []

  beforeAll(async () => {
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    store = new KpiStore(client, database)
    await store.insertBuckets(HISTORY_BUCKETS, {
      topic: 'history',
      partition: 0,
      firstOffset: '0',
      lastOffset: '0',
    })
    const parsed = parseRules(RULES_DOCUMENT)
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
    rules = parsed.rules
    queries = []
    // The real store, counted: every query still goes to ClickHouse.
    const counted = {
      sums: (range: { from: number; to: number }, by: 'channel' | 'campaign') => {
        queries.push({ ...range, by })
        return store.sums(range, by)
      },
    }
    first = await runBacktest({
      kpis: counted,
      rules,
      from: FROM,
      to: TO,
      onProgress: (done, total) => progress.push([done, total]),
    })
  })

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client.close()
  })

  it('fires exactly the signals the crafted data and the thresholds call for, at the right steps', () => {
    const expected = expectedSignals()
    // What the reference finds, spelled out so that a change in either is visible:
    expect(expected.map((e) => [(e.time - FROM) / MINUTE, e.rule, e.entity, e.change])).toEqual([
      [0, 'scale-profitable', 'search', 33],
      [60, 'scale-profitable', 'search', 33],
      [120, 'scale-profitable', 'search', 33],
      [165, 'cut-unprofitable', 'display/d1', -100], // 45 of 60 minutes after d1's turn
      [180, 'scale-profitable', 'search', 1], // the rest of the 100 % cap
      [210, 'cut-unprofitable', 'display', -100], // the channel mixes d1 (all bad) and d2 (30 min bad)
      [225, 'cut-unprofitable', 'display/d2', -100],
    ])
    expect(
      first.signals.map((s) => ({
        time: s.signal.created_at,
        rule: s.signal.rule,
        action: s.signal.action,
        entity: s.entity,
        change: s.signal.budget_change_pct,
        spendAfter: s.spendAfterMicros,
        share: s.signal.action === 'CUT' ? s.savedMicros : s.addedMicros,
      })),
    ).toEqual(expected)
    for (const s of first.signals) {
      expect(s.signal.window_to).toBe(s.signal.created_at) // the window ending at the step, no look-ahead
      expect(s.signal.window_from).toBe(s.signal.created_at - HOUR)
      expect(s.signal.action === 'CUT' ? s.addedMicros : s.savedMicros).toBe(0n)
    }
  })

  it('computes saved and added spend from independently summed buckets, in exact micros', () => {
    const saved = (minutes: number, perMinute: bigint) => BigInt(minutes) * perMinute
    const bySignal = first.signals.map((s) => [
      s.entity,
      (s.signal.created_at - FROM) / MINUTE,
      s.savedMicros,
      s.addedMicros,
    ])
    expect(bySignal).toEqual([
      // 10.000007 units a minute × the minutes left × 33 % (or 1 %), truncated to whole micros
      ['search', 0, 0n, 1_188_000_831n], // 3 600 002 520 × 0.33 = 1 188 000 831.6
      ['search', 60, 0n, 990_000_693n],
      ['search', 120, 0n, 792_000_554n], // 792 000 554.4
      ['display/d1', 165, saved(195, 10_000_000n), 0n],
      ['search', 180, 0n, 18_000_012n], // 1 % of 1 800 001 260
      ['display', 210, saved(150, 20_000_000n), 0n],
      ['display/d2', 225, saved(135, 10_000_000n), 0n],
    ])
    expect(first.totals).toEqual({
      cut: 3,
      scale: 4,
      savedMicros: 1_950_000_000n + 3_000_000_000n + 1_350_000_000n,
      addedMicros: 1_188_000_831n + 990_000_693n + 792_000_554n + 18_000_012n,
    })
  })

  it('shares a window query among the rules and a spend query among the signals of a step', () => {
    expect(first.steps).toBe(24)
    const windowQueries = queries.filter((q) => q.to - q.from === HOUR)
    // Two rules on one window: one query per grouping and step, not per rule.
    expect(windowQueries).toHaveLength(24 * 2)
    const spendQueries = queries.filter((q) => q.to === TO)
    const distinct = new Set(first.signals.map((s) => `${s.signal.scope}@${s.signal.created_at}`))
    expect(spendQueries).toHaveLength(distinct.size)
    expect(queries).toHaveLength(windowQueries.length + spendQueries.length)
  })

  it('reports progress after every step', () => {
    expect(progress).toEqual(Array.from({ length: 24 }, (_, i) => [i + 1, 24]))
  })

  it('gives the same output on a second run', async () => {
    const second = await runBacktest({ kpis: store, rules, from: FROM, to: TO, stepMs: STEP })
    expect(second).toEqual(first)
    expect(formatJsonLines(second)).toBe(formatJsonLines(first))
  })

  it('prints the same signals through `adpulse backtest --json`, from a rules file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'adpulse-backtest-'))
    try {
      const file = join(dir, 'rules.json')
      await writeFile(file, JSON.stringify(RULES_DOCUMENT))
      let stdout = ''
      let stderr = ''
      const code = await backtestCommand(
        ['--rules', file, '--from', new Date(FROM).toISOString(), `--to=${TO}`, '--json'],
        {
          stdout: { write: (text: string) => (stdout += text) },
          stderr: { write: (text: string) => (stderr += text) },
          env: testClickHouseEnvironment(database),
        },
      )
      expect({ code, stderr }).toMatchObject({ code: 0 })
      expect(stdout).toBe(formatJsonLines(first))
      expect(stderr).toContain('backtest: 100% 24/24 steps')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('says what to do when a running pipeline holds the chDB data directory', async (context) => {
    // Only embedded chDB has a directory one process holds; this process holds the run's.
    if (inject('clickhouseUrl') !== '') context.skip()
    const cli = join(import.meta.dirname, 'cli.ts')
    const failure = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', cli, 'backtest', '--from', String(FROM), '--to', String(TO)],
      { env: { ...process.env, ...testClickHouseEnvironment(database) } },
    ).then(
      () => undefined,
      (err: { code?: number; stdout?: string; stderr?: string }) => err,
    )
    expect(failure?.code).toBe(1)
    expect(failure?.stdout).toBe('')
    expect(failure?.stderr).toContain(
      `cannot open the embedded ClickHouse data directory ${inject('chdbPath')} (ADPULSE_CHDB_PATH)`,
    )
    expect(failure?.stderr).toContain('a running `adpulse start` holds it')
  })
})
