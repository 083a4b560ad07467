import { defaultRulesDocument, parseRules, type Rule } from '@adpulse/rules'
import { addCoverage, type CoverageByGroup, upperBoundCoverage } from './calibration.ts'
import { type Decider, naiveDecider, rulesDecider } from './deciders.ts'
import { type DecisionMetrics, decisionMetrics, pairedCutHours } from './decision-metrics.ts'
import {
  coverageTable,
  medianMetrics,
  metricsTable,
  type ScenarioSummary,
  scenarioTable,
} from './decision-report.ts'
import { runDeciders, type Schedule } from './decision-run.ts'
import { DEFAULT_MARKET, type MarketParams, UNIT_MICROS } from './market.ts'
import { median } from './stats.ts'
import { simulateMarket } from './traffic.ts'

/**
 * pnpm bench:decisions — issue 5, item 8: adpulse's default rules against a
 * naive point-estimate rule, on a simulated market whose true ROIs are known,
 * in the same run on the same traffic. See docs/benchmarks.md (Decisions).
 * BENCH_SEEDS (default 5), BENCH_HOURS (48) and BENCH_CHANNELS (400) scale it.
 */

const SEEDS = Number(process.env.BENCH_SEEDS ?? 5)
const HOURS = Number(process.env.BENCH_HOURS ?? 48)
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? DEFAULT_MARKET.channels)
/** ADPULSE_MIN_SPEND_MICROS's default: the minimum spend of the default rules. */
const MIN_SPEND_MICROS = 10_000_000n
/** min_evidence.clicks of the default rules; the naive rule gets the same gate. */
const MIN_CLICKS = 50
const DAY_MINUTES = 1440
/**
 * Ad managers' automated rules run from every 30 min (Meta, "continuously") to daily;
 * 15 min sits between that and the alerter's 15 s, which would only add looks.
 */
const SCHEDULE: Schedule = { windowMinutes: DAY_MINUTES, stepMinutes: 15 }

/** The default rules with some fields of the CUT rule changed, as a rules file would change them. */
function defaultRules(windowMinutes: number, cutChange: Record<string, unknown> = {}): Rule[] {
  const document = defaultRulesDocument(windowMinutes * 60_000, MIN_SPEND_MICROS) as {
    rules: Array<Record<string, unknown>>
  }
  const parsed = parseRules({
    rules: document.rules.map((rule) => (rule.action === 'CUT' ? { ...rule, ...cutChange } : rule)),
  })
  if (!parsed.ok) throw new Error(`bench: default rules refused: ${parsed.errors.join('; ')}`)
  return parsed.rules
}

interface Contender {
  label: string
  make: (channels: number, windowMinutes: number) => Decider
}

const ADPULSE: Contender = {
  label: 'adpulse defaults (CUT at 80 %)',
  make: (n, w) => rulesDecider('adpulse', defaultRules(w), n),
}
const NAIVE: Contender = {
  label: 'naive point estimate',
  make: (n) =>
    naiveDecider(
      'naive',
      { minSpendMicros: MIN_SPEND_MICROS, minClicks: MIN_CLICKS, cutBelowRoi: 0, scaleAboveRoi: 1 },
      n,
    ),
}
/** Other settings of the same rules, and a more patient naive rule, judged in the same run. */
const VARIANTS: Contender[] = [
  {
    label: 'adpulse, CUT at 70 %',
    make: (n, w) => rulesDecider('a70', defaultRules(w, { confidence: 0.7 }), n),
  },
  {
    label: 'adpulse, CUT at 90 %',
    make: (n, w) => rulesDecider('a90', defaultRules(w, { confidence: 0.9 }), n),
  },
  {
    label: 'naive, spend ≥ 100 units',
    make: (n) =>
      naiveDecider(
        'naive-100',
        {
          minSpendMicros: 100n * BigInt(UNIT_MICROS),
          minClicks: MIN_CLICKS,
          cutBelowRoi: 0,
          scaleAboveRoi: 1,
        },
        n,
      ),
  },
]

interface Scenario {
  label: string
  market: MarketParams
  schedule: Schedule
  contenders: Contender[]
}

const market = { ...DEFAULT_MARKET, channels: CHANNELS }
const SCENARIOS: Scenario[] = [
  {
    label: 'main: 24 h window, order values σ 1–1.5',
    market,
    schedule: SCHEDULE,
    contenders: [ADPULSE, NAIVE, ...VARIANTS],
  },
  {
    label: 'light-tailed order values (σ 0.5)',
    market: { ...market, valueSigma: { low: 0.5, high: 0.5 } },
    schedule: SCHEDULE,
    contenders: [ADPULSE, NAIVE],
  },
  {
    label: 'mean order values differ across channels (σ 0.8)',
    market: { ...market, orderValue: { median: 45, sigma: 0.8 } },
    schedule: SCHEDULE,
    contenders: [ADPULSE, NAIVE],
  },
  {
    label: '1 h window (the alerter default)',
    market,
    schedule: { windowMinutes: 60, stepMinutes: 15 },
    contenders: [ADPULSE, NAIVE],
  },
]

interface ScenarioResult {
  scenario: Scenario
  perSeed: DecisionMetrics[][]
  paired: Array<{ channels: number; aMedian: number; bMedian: number }>
  coverage: CoverageByGroup
}

function runScenario(scenario: Scenario): ScenarioResult {
  const perSeed: DecisionMetrics[][] = scenario.contenders.map(() => [])
  const paired: ScenarioResult['paired'] = []
  const cutRule = defaultRules(scenario.schedule.windowMinutes)[0] as Rule
  let coverage: CoverageByGroup | undefined
  for (let seed = 1; seed <= SEEDS; seed++) {
    const simulated = simulateMarket(scenario.market, seed, HOURS * 60)
    const deciders = scenario.contenders.map((c) =>
      c.make(simulated.channels.length, scenario.schedule.windowMinutes),
    )
    const outcomes = runDeciders(simulated, deciders, scenario.schedule)
    outcomes.forEach((o, i) => {
      perSeed[i]?.push(decisionMetrics(o))
    })
    paired.push(pairedCutHours(outcomes[0] ?? [], outcomes[1] ?? []))
    const seen = upperBoundCoverage(simulated, cutRule, scenario.schedule)
    coverage = coverage === undefined ? seen : addCoverage(coverage, seen)
  }
  if (coverage === undefined) throw new RangeError('bench: BENCH_SEEDS must be at least 1')
  return { scenario, perSeed, paired, coverage }
}

function summarize(result: ScenarioResult): ScenarioSummary {
  const [adpulse, naive] = result.perSeed
  if (adpulse === undefined || naive === undefined)
    throw new RangeError('bench: a scenario needs two rule sets')
  return {
    label: result.scenario.label,
    adpulse: medianMetrics(adpulse),
    naive: medianMetrics(naive),
    falseCutRatio: median(adpulse.map((a, i) => a.falseCutRate / (naive[i]?.falseCutRate ?? Number.NaN))),
  }
}

const started = Date.now()
console.log(
  `# pnpm bench:decisions — ${SEEDS} seeds × ${CHANNELS} channels × ${HOURS} h, evaluated every ${SCHEDULE.stepMinutes} min\n`,
)
const results = SCENARIOS.map(runScenario)
const main = results[0] as ScenarioResult
const summaries = results.map(summarize)
const headline = summaries[0] as ScenarioSummary

console.log(`## ${main.scenario.label}\n`)
console.log(
  metricsTable(
    main.scenario.contenders.map((c) => c.label),
    main.perSeed.map(medianMetrics),
  ),
)
const paired = {
  channels: median(main.paired.map((p) => p.channels)),
  adpulse: median(main.paired.map((p) => p.aMedian)),
  naive: median(main.paired.map((p) => p.bMedian)),
}
console.log(
  `\nLosing channels cut by both (median ${paired.channels}): median time to cut adpulse ${paired.adpulse.toFixed(2)} h, naive ${paired.naive.toFixed(2)} h.`,
)
console.log(
  `Per-seed false-cut ratios adpulse / naive: ${main.perSeed[0]?.map((a, i) => (a.falseCutRate / (main.perSeed[1]?.[i]?.falseCutRate ?? Number.NaN)).toFixed(2)).join(', ')}`,
)

const ratioMet = headline.falseCutRatio <= 0.2
const timeMet = headline.adpulse.cutHoursMedian <= headline.naive.cutHoursMedian
console.log('\n## Target: false cuts ≤ 0.2 × naive, at no worse median time to cut losing channels\n')
console.log(
  `false-cut ratio ${headline.falseCutRatio.toFixed(2)} (≤ 0.20: ${ratioMet ? 'met' : 'MISSED'}); ` +
    `median time to cut ${headline.adpulse.cutHoursMedian.toFixed(2)} h vs naive ${headline.naive.cutHoursMedian.toFixed(2)} h ` +
    `(${timeMet ? 'met' : 'MISSED'}) → target ${ratioMet && timeMet ? 'MET' : 'MISSED'}`,
)
console.log(
  `missed cuts (truly losing, never cut; should not balloon): adpulse ${(100 * headline.adpulse.missedCutRate).toFixed(1)} %, ` +
    `naive ${(100 * headline.naive.missedCutRate).toFixed(1)} %`,
)

console.log('\n## Scenarios (adpulse defaults vs naive, same gate)\n')
console.log(scenarioTable(summaries))

console.log(
  '\n## Calibration: how often the true ROI lies above the upper bound of ROI the default CUT rule judges on, per look (claimed: ≤ 1 − its confidence over all looks together)\n',
)
console.log(
  coverageTable(
    results.map((r) => r.scenario.label),
    results.map((r) => r.coverage),
  ),
)
console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`)
