import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ClickHouseClient, createClickHouse, KpiStore, migrate } from '@adpulse/clickhouse'
import { rulesInForce } from '@adpulse/rules'
import { CAMPAIGN_RULES_YAML, campaignBucketsAt, UNIT } from '@adpulse/rules/testing'
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
describe('backtest with campaign-only rules', () => {
  const database = uniqueName('adpulse_backtest_campaigns')
  let client: ClickHouseClient
  let dir: string
  let rulesFile: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adpulse-backtest-campaigns-'))
    rulesFile = join(dir, 'rules.yaml')
    await writeFile(rulesFile, CAMPAIGN_RULES_YAML)
    client = await createClickHouse(testClickHouse())
    await migrate(client, database)
    const buckets = Array.from({ length: (TO - HISTORY) / MINUTE }, (_, i) =>
      campaignBucketsAt(HISTORY + i * MINUTE),
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
