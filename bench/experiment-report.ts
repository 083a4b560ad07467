import { type ExperimentMetrics, LIFT_BUCKETS } from './experiment-metrics.ts'

const pct = (x: number): string => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)} %`)
const times = (x: number): string =>
  Number.isFinite(x) ? `${x.toFixed(2)}×` : Number.isNaN(x) ? '–' : 'never'
const bucket = ([low, high]: readonly [number, number]): string =>
  `${Math.round(100 * low)}–${Math.min(30, Math.round(100 * high))} %`

const ROWS: ReadonlyArray<[string, (m: ExperimentMetrics) => string]> = [
  [
    'false winners (A/A campaigns with a winner)',
    (m) => `${pct(m.falseWinners / m.aaCampaigns)} (${m.falseWinners} / ${m.aaCampaigns})`,
  ],
  [
    'wrong winners (a worse ad declared, true lift)',
    (m) => `${pct(m.wrongWinners / m.liftCampaigns)} (${m.wrongWinners})`,
  ],
  ['power: better ad found, all lifts', (m) => pct(m.power)],
  ...LIFT_BUCKETS.map((b, i): [string, (m: ExperimentMetrics) => string] => [
    `… true lift ${bucket(b)}`,
    (m) => pct(m.powerByBucket[i] as number),
  ]),
  ['impressions to a decision / planned: median', (m) => times(m.ratioMedian)],
  ['… mean (no decision counts as the horizon)', (m) => times(m.ratioMean)],
  ["horizon at which it has the planned test's power", (m) => times(m.ratioAtPower)],
  [
    "**impressions to a decision at the planned test's power** (mean, stopped at that horizon)",
    (m) => times(m.meanAtPower),
  ],
  ['mean / a planned test sized to its own power', (m) => times(m.meanAgainstPlannedAtOwnPower)],
]

/** A markdown table: one column per decider, one row per figure. */
export function experimentTable(labels: readonly string[], metrics: readonly ExperimentMetrics[]): string {
  const header = `| figure | ${labels.join(' | ')} |`
  const rule = `| --- | ${labels.map(() => '---:').join(' | ')} |`
  const rows = ROWS.map(([name, show]) => `| ${name} | ${metrics.map(show).join(' | ')} |`)
  return [header, rule, ...rows].join('\n')
}
