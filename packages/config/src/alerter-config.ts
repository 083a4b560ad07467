import type { EnvReader } from './env-reader.ts'

export interface AlerterConfig {
  /** `ADPULSE_ALERTER_INTERVAL`, default 15s: how often the rules are evaluated. */
  intervalMs: number
  /**
   * `ADPULSE_ALERTER_WINDOW`, default 24h: the rolling window the default rules look at.
   * At one conversion an hour a 1h window rarely holds the evidence to decide
   * (docs/benchmarks.md, Decisions: 65 % of losing channels never cut).
   */
  windowMs: number
  /** `ADPULSE_CUT_BELOW_ROI`, default 0: a channel whose ROI is below this is cut. */
  cutBelowRoi: number
  /** `ADPULSE_SCALE_ABOVE_ROI`, default 1: a channel whose ROI is above this is scaled. */
  scaleAboveRoi: number
  /** `ADPULSE_MIN_SPEND_MICROS`, default 10000000 (10 units): no decision on less evidence. */
  minSpendMicros: bigint
  /**
   * `ADPULSE_RULES_FILE`, unset by default: the decision rules (YAML or JSON,
   * docs/decisions.md). Unset: the default cut and scale rules, built from the
   * window, thresholds and minimum spend above.
   */
  rulesFile: string | undefined
  /**
   * `ADPULSE_ALERTER_MAX_STALENESS`, default 2m: when the processor's data is
   * complete only to longer ago than this, the alerter decides nothing and
   * reports `stale` instead.
   */
  maxStalenessMs: number
  /** `ADPULSE_ALERTER_GROUP`, default `adpulse-alerter`: alerter instances elect one leader in this group. */
  groupId: string
  /** `ADPULSE_SIGNAL_WEBHOOK_URL`, unset by default: also POST each signal there (Slack-compatible JSON). */
  webhookUrl: string | undefined
  /** `ADPULSE_ALERTER_DRY_RUN`, default false: evaluate and log, publish nothing. */
  dryRun: boolean
}

export function readAlerter(r: EnvReader): AlerterConfig {
  const alerter: AlerterConfig = {
    intervalMs: r.durationMs('ADPULSE_ALERTER_INTERVAL', 15_000),
    windowMs: r.durationMs('ADPULSE_ALERTER_WINDOW', 24 * 3_600_000),
    cutBelowRoi: r.number('ADPULSE_CUT_BELOW_ROI', 0),
    scaleAboveRoi: r.number('ADPULSE_SCALE_ABOVE_ROI', 1),
    minSpendMicros: r.micros('ADPULSE_MIN_SPEND_MICROS', 10_000_000n),
    rulesFile: r.optionalString('ADPULSE_RULES_FILE'),
    maxStalenessMs: r.durationMs('ADPULSE_ALERTER_MAX_STALENESS', 120_000),
    groupId: r.string('ADPULSE_ALERTER_GROUP', 'adpulse-alerter'),
    webhookUrl: r.optionalString('ADPULSE_SIGNAL_WEBHOOK_URL'),
    dryRun: r.oneOf('ADPULSE_ALERTER_DRY_RUN', ['true', 'false'] as const, 'false') === 'true',
  }
  if (alerter.webhookUrl !== undefined && !/^https?:\/\/\S+$/.test(alerter.webhookUrl)) {
    r.fail(`ADPULSE_SIGNAL_WEBHOOK_URL: expected an http(s) URL, got ${JSON.stringify(alerter.webhookUrl)}`)
  }
  if (alerter.cutBelowRoi >= alerter.scaleAboveRoi) {
    r.fail(
      'ADPULSE_CUT_BELOW_ROI: must be below ADPULSE_SCALE_ABOVE_ROI, or a channel could be cut and scaled at once',
    )
  }
  if (alerter.intervalMs < 100) r.fail('ADPULSE_ALERTER_INTERVAL: must be at least 100ms')
  if (alerter.windowMs < 60_000) r.fail('ADPULSE_ALERTER_WINDOW: must be at least 1m (buckets are minutes)')
  return alerter
}
