import { type CoverageByGroup, EXPECTED_GROUPS } from './calibration.ts'
import type { DecisionMetrics } from './decision-metrics.ts'
import { median } from './stats.ts'

/** The median across seeds of every figure (each figure on its own, so counts need not add up). */
export function medianMetrics(runs: readonly DecisionMetrics[]): DecisionMetrics {
  const first = runs[0]
  if (first === undefined) throw new RangeError('medianMetrics: no runs')
  const keys = Object.keys(first) as Array<keyof DecisionMetrics>
  return Object.fromEntries(
    keys.map((key) => [key, median(runs.map((run) => run[key]).filter((v) => !Number.isNaN(v)))]),
  ) as unknown as DecisionMetrics
}

const pct = (x: number): string => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)} %`)
const hrs = (x: number): string => (Number.isNaN(x) ? '–' : `${x.toFixed(2)} h`)
const num = (x: number): string => (Number.isNaN(x) ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(1))
const dec = (x: number): string => (Number.isNaN(x) ? '–' : x.toFixed(2))
const ratio = (x: number): string => (Number.isNaN(x) ? '–' : x.toFixed(2))

const ROWS: ReadonlyArray<[string, (m: DecisionMetrics) => string]> = [
  ['false-cut rate (true ROI > 0, ever cut)', (m) => pct(m.falseCutRate)],
  ['… of true ROI 0 to 0.1', (m) => pct(m.falseCutRateNear)],
  ['… of true ROI 0.1 to 0.3', (m) => pct(m.falseCutRateMid)],
  ['… of true ROI above 0.3', (m) => pct(m.falseCutRateClear)],
  ['missed-cut rate (true ROI < −0.1, never cut)', (m) => pct(m.missedCutRate)],
  ['median time to cut a losing channel', (m) => hrs(m.cutHoursMedian)],
  ['p90 time to cut a losing channel', (m) => hrs(m.cutHoursP90)],
  ['expected conversions in the window at the first cut: losing', (m) => dec(m.cutExpectedConversions)],
  ['… profitable', (m) => dec(m.falseCutExpectedConversions)],
  ['channels cut (of all)', (m) => `${num(m.channelsCut)} / ${num(m.channels)}`],
  ['profitable channels cut', (m) => `${num(m.falseCuts)} / ${num(m.profitable)}`],
  ['losing channels cut', (m) => `${num(m.losingCut)} / ${num(m.losing)}`],
  ['CUT signals per channel cut', (m) => ratio(m.cutSignalsPerCut)],
  ['false-scale rate (true ROI < 1, ever scaled)', (m) => pct(m.falseScaleRate)],
  ['missed-scale rate (true ROI > 1.1, never scaled)', (m) => pct(m.missedScaleRate)],
  ['median time to scale a winning channel', (m) => hrs(m.scaleHoursMedian)],
  ['channels scaled (of all)', (m) => `${num(m.channelsScaled)} / ${num(m.channels)}`],
]

/** A markdown table: one column per rule set, one row per figure. */
export function metricsTable(labels: readonly string[], metrics: readonly DecisionMetrics[]): string {
  const header = `| figure (median of seeds) | ${labels.join(' | ')} |`
  const rule = `| --- | ${labels.map(() => '---:').join(' | ')} |`
  const rows = ROWS.map(([name, show]) => `| ${name} | ${metrics.map(show).join(' | ')} |`)
  return [header, rule, ...rows].join('\n')
}

export interface ScenarioSummary {
  label: string
  adpulse: DecisionMetrics
  naive: DecisionMetrics
  /** Median across seeds of false-cut rate (adpulse) / false-cut rate (naive). */
  falseCutRatio: number
}

/** One line per scenario: the target's two figures and what they cost. */
export function scenarioTable(summaries: readonly ScenarioSummary[]): string {
  const header =
    '| scenario | false cuts adpulse / naive | ratio | missed cuts adpulse / naive | median time to cut adpulse / naive |'
  const rule = '| --- | ---: | ---: | ---: | ---: |'
  const rows = summaries.map(
    (s) =>
      `| ${s.label} | ${pct(s.adpulse.falseCutRate)} / ${pct(s.naive.falseCutRate)} | ${ratio(s.falseCutRatio)} | ` +
      `${pct(s.adpulse.missedCutRate)} / ${pct(s.naive.missedCutRate)} | ${hrs(s.adpulse.cutHoursMedian)} / ${hrs(s.naive.cutHoursMedian)} |`,
  )
  return [header, rule, ...rows].join('\n')
}

/** Per group of expected conversions, the share of looks at which the true ROI lay above the upper bound. */
export function coverageTable(labels: readonly string[], coverages: readonly CoverageByGroup[]): string {
  const header = `| expected conversions in the window | ${labels.join(' | ')} |`
  const rule = `| ---: | ${labels.map(() => '---:').join(' | ')} |`
  const rows = EXPECTED_GROUPS.map((g) => {
    const cells = coverages.map((c) =>
      c[g].looks === 0 ? '–' : `${pct(c[g].above / c[g].looks)} of ${c[g].looks}`,
    )
    return `| ${g} | ${cells.join(' | ')} |`
  })
  return [header, rule, ...rows].join('\n')
}
