import {
  adpulseDecider,
  type ExperimentDecider,
  separateIntervalsDecider,
  zTestDecider,
} from './experiment-deciders.ts'
import { experimentMetrics } from './experiment-metrics.ts'
import { experimentTable } from './experiment-report.ts'
import { runCampaigns } from './experiment-run.ts'
import { campaignSpecs, DEFAULT_SIM } from './experiment-sim.ts'
import { streamSeed } from './prng.ts'

/**
 * pnpm bench:experiments — issue 13, item 3: adpulse's creative test against
 * the two-proportion z-test read at every look (the common misuse) and read
 * once at its planned sample size, on the same simulated campaigns in the same
 * run. See docs/benchmarks.md (Experiments). BENCH_CAMPAIGNS (default 2000)
 * and BENCH_SEED (1) scale and replay it.
 */

const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 2000)
const SEED = Number(process.env.BENCH_SEED ?? 1)
const params = DEFAULT_SIM
const confidence = 1 - params.alpha

/** Other tunings of the test of two ads, judged in the same run (BENCH_TUNE=1). */
const LIFT_SCALES = [0.5, 0.75, 1.5]
const PRIORS = [
  [{ strength: 2, weight: 1 }],
  [{ strength: 50, weight: 1 }],
  [{ strength: 200, weight: 1 }],
  [{ strength: 800, weight: 1 }],
  [
    { strength: 200, weight: 0.5 },
    { strength: 2, weight: 0.5 },
  ],
  [
    { strength: 400, weight: 0.9 },
    { strength: 2, weight: 0.1 },
  ],
]

const PLANNED = zTestDecider('z-test once at the planned sample', params.alpha, true)
const DECIDERS: ExperimentDecider[] = [
  adpulseDecider('adpulse, min_lift = planned lift', confidence, { liftScale: 1 }),
  adpulseDecider('adpulse, default prior (before)', confidence),
  ...(process.env.BENCH_TUNE ? LIFT_SCALES : []).map((liftScale) =>
    adpulseDecider(`min_lift = ${liftScale} × planned`, confidence, { liftScale }),
  ),
  ...(process.env.BENCH_TUNE ? PRIORS : []).map((splitPrior) =>
    adpulseDecider(`prior ${splitPrior.map((c) => `${c.strength} (${c.weight})`).join(' + ')}`, confidence, {
      splitPrior,
    }),
  ),
  separateIntervalsDecider('separate intervals (before)', confidence),
  zTestDecider('z-test read at every look', params.alpha, false),
  PLANNED,
]

const started = Date.now()
console.log(
  `# pnpm bench:experiments — ${CAMPAIGNS} campaigns, seed ${SEED}, α ${params.alpha}, power ${params.power}, ` +
    `${params.looksPerDay} looks a day, horizon ${params.horizon}× the planned sample\n`,
)
const specs = campaignSpecs(params, SEED, CAMPAIGNS)
const outcomes = runCampaigns(specs, DECIDERS, (i) => streamSeed(SEED + 1_000_003, i))
const perDecider = DECIDERS.map((_, d) => outcomes.map((o) => o[d] as NonNullable<(typeof o)[number]>))
const plannedIndex = DECIDERS.indexOf(PLANNED)
const plannedPower = experimentMetrics(specs, perDecider[plannedIndex] ?? [], 0.8, params.alpha).power
const metrics = perDecider.map((o) => experimentMetrics(specs, o, plannedPower, params.alpha))
console.log(
  experimentTable(
    DECIDERS.map((d) => d.label),
    metrics,
  ),
)
console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`)
