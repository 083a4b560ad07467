import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ClickHouseClient, createClickHouse, KpiStore, migrate } from '@adpulse/clickhouse'
import type { MinuteBucket } from '@adpulse/kpi'
import { rulesInForce } from '@adpulse/rules'
import { testClickHouse, testClickHouseEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBacktest } from './backtest.ts'
import { backtestCommand } from './backtest-command.ts'
import { formatJsonLines } from './backtest-report.ts'

/**
 * `adpulse backtest` with a rules file whose rules all judge campaigns, over
 * stored minute buckets: the channel sums the value prior is estimated over
 * are read as the alerter reads them, so a campaign that spends without
 * converting is cut at the first step (before, no prior: never).
 */
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const FROM = Date.UTC(2026, 2, 1, 0, 0)
const TO = FROM + HOUR
const HISTORY = FROM - HOUR
const UNIT = 1_000_000
const RULES_YAML = `rules:
  - name: cut-campaigns
    scope: campaign
    window: 1h
    action: CUT
    when: roi < 0
    exit: roi > 0.2
    min_evidence: { spend_micros: 100000000, clicks: 50 }
    confidence: 0.9
  - name: scale-campaigns
    scope: campaign
    window: 1h
    action: SCALE
    when: roi > 1
    exit: roi < 0.8
    min_evidence: { spend_micros: 100000000, conversions: 5 }
    confidence: 0.9
`

/**
 * One minute of three campaigns: display/d1 converts 3 × 5 units on 10 (ROI +0.5),
 * search/s1 2 × 8 units on 10 (ROI +0.6), neither certain of a cut or a scale;
 * display/dud spends 20 units on 20 clicks and never converts.
 */
function bucketsAt(minute: number): MinuteBucket[] {
  const bucket = (channel: string, campaign: string, spend: number, n: number, value: number) => ({
    minute,
    channel,
    campaign_id: campaign,
    impressions: 500,
    clicks: 20,
    conversions: n,
    spend_micros: BigInt(spend * UNIT),
    revenue_micros: BigInt(n * value * UNIT),
    revenue_squares: n * (value * UNIT) ** 2,
  })
  return [
    bucket('display', 'd1', 10, 3, 5),
    bucket('display', 'dud', 20, 0, 0),
    bucket('search', 's1', 10, 2, 8),
  ]
}

describe('backtest with campaign-only rules', () => {
  const database = uniqueName('adpulse_backtest_campaigns')
  let client: ClickHouseClient
  let dir: string
  let rulesFile: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adpulse-backtest-campaigns-'))
    rulesFile = join(dir, 'rules.yaml')
    await writeFile(rulesFile, RULES_YAML)
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    const buckets = Array.from({ length: (TO - HISTORY) / MINUTE }, (_, i) =>
      bucketsAt(HISTORY + i * MINUTE),
    ).flat()
    await new KpiStore(client, database).insertBuckets(buckets, {
      topic: 'history',
      partition: 0,
      firstOffset: '0',
      lastOffset: '0',
    })
  })

  afterAll(async () => {
    await client?.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await client?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('cuts the campaign that spends without converting at the first step, reading the channels too', async () => {
    // As `adpulse backtest --rules` loads it (backtest-command.ts); the defaults are unused with a file.
    const rules = await rulesInForce(
      { rulesFile, windowMs: HOUR, minSpendMicros: 0n, cutBelowRoi: 0, scaleAboveRoi: 1 },
      (path) => readFile(path, 'utf8'),
    )
    expect(rules.map((r) => r.scope)).toEqual(['campaign', 'campaign'])
    const store = new KpiStore(client, database)
    const read: string[] = []
    const result = await runBacktest({
      // The real store, its groupings recorded: every query still goes to ClickHouse.
      kpis: {
        sums: (range, by) => {
          read.push(by)
          return store.sums(range, by)
        },
      },
      rules,
      from: FROM,
      to: TO,
    })
    expect(
      result.signals.map((s) => [
        (s.signal.created_at - FROM) / MINUTE,
        s.signal.rule,
        s.entity,
        s.signal.action,
      ]),
    ).toEqual([[0, 'cut-campaigns', 'display/dud', 'CUT']])
    const [cut] = result.signals
    // The shop's value of a conversion: (180 × 5 + 120 × 8) / 300 = 6.2 units; revenue at most
    // 6.2 × U(0, 0.1) = 6.2 × 3.615 against the window's 1200 units spent.
    expect(cut?.signal.roi_upper).toBeCloseTo((6.2 * 3.615 - 1200) / 1200, 3)
    expect(cut?.savedMicros).toBe(BigInt(60 * 20 * UNIT)) // the hour from the cut to --to
    // Per step (4 of 15m): the channels (for the prior) and the campaigns; then the spend after the cut.
    expect(read).toEqual([...Array.from({ length: 4 }, () => ['channel', 'campaign']).flat(), 'campaign'])

    let stdout = ''
    let stderr = ''
    const code = await backtestCommand(
      ['--rules', rulesFile, '--from', new Date(FROM).toISOString(), `--to=${TO}`, '--json'],
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: testClickHouseEnvironment(database),
      },
    )
    expect({ code, stderr }).toMatchObject({ code: 0 })
    expect(stdout).toBe(formatJsonLines(result))
  })
})
