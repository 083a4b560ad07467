import type { EnvReader } from './env-reader.ts'
import { REPO_ROOT } from './repo-root.ts'

const DAY_MS = 24 * 3600 * 1000

export interface ProcessorConfig {
  /** `ADPULSE_PROCESSOR_GROUP`, default `adpulse-processor`: the consumer group of all processor instances. */
  groupId: string
  /** `ADPULSE_PRICING_FILE`, default deploy/pricing.json: the channel and campaign pricing models. */
  pricingFile: string
  /**
   * `ADPULSE_METRICS_MAX_CHANNELS`, default 50: distinct channels that get their
   * own label on the per-channel metrics; later ones share `channel="other"`, so
   * a sender inventing channels cannot explode the number of series.
   */
  metricsMaxChannels: number
  /**
   * `ADPULSE_PROGRESS_INTERVAL`, default 2s: how often the processor records, per
   * partition, how far the events topic is written to ClickHouse (pipeline_progress).
   */
  progressIntervalMs: number
  /**
   * `ADPULSE_DEDUP_HORIZON`, default 48h: a repeat of (source, campaign_id,
   * event_id) received within this of the first is counted once. The ids of the
   * horizon are held in memory per partition (about 130 bytes each,
   * docs/exactly-once.md) and rebuilt from events_raw on assignment.
   */
  dedupHorizonMs: number
  /**
   * `ADPULSE_DEDUP_MAX_IDS`, default 1000000: event ids of the horizon a processor
   * holds in memory (about 130 bytes each), shared by the partitions it reads.
   * Beyond it the oldest are forgotten and a key not in memory is looked up in
   * events_raw (one query per slice of a batch) while forgotten ids may still be
   * within the horizon: a repeat still counts once, at the cost of that query.
   */
  dedupMaxIds: number
  /**
   * `ADPULSE_PROCESSOR_SESSION_TIMEOUT`, default 30s: how long the group waits
   * for a silent processor before giving its partitions to another. Shorter
   * moves work sooner after a crash; at least the broker's group.min.session.timeout.ms (6s).
   */
  sessionTimeoutMs: number
  /**
   * `ADPULSE_RATES_REFRESH`, default 60s: how often the processor re-reads the
   * exchange rates (currency_rates) into memory, so an import applies without a
   * restart. A rate missing from memory also triggers one re-read (at most one a
   * second) before its event goes to the dead-letter topic as `missing_rate`.
   */
  ratesRefreshMs: number
  /**
   * `ADPULSE_RATES_FILE`, unset by default: a rates file (docs/currencies.md) the
   * processor imports into currency_rates at start and again whenever it changes
   * (checked at every refresh). A broken file stops the start; later, it is
   * refused whole and the rates in force stay. Unset: rates come only from
   * `adpulse rates import`.
   */
  ratesFile: string | undefined
  /**
   * `ADPULSE_ATTRIBUTION_WINDOW`, default 7d: a conversion with a click_id is
   * credited to its click when the click occurred at most this long before it
   * (docs/attribution.md).
   */
  attributionWindowMs: number
  /**
   * `ADPULSE_ATTRIBUTION_WAIT`, default 15m: how long after its receipt a
   * conversion waits for a click not yet written (another partition, a racing
   * postback) before it counts as unattributed.
   */
  attributionWaitMs: number
}

export function readProcessor(r: EnvReader): ProcessorConfig {
  const ratesRefreshMs = r.durationMs('ADPULSE_RATES_REFRESH', 60_000)
  if (ratesRefreshMs < 1000) r.fail('ADPULSE_RATES_REFRESH: must be at least 1s')
  return {
    groupId: r.string('ADPULSE_PROCESSOR_GROUP', 'adpulse-processor'),
    pricingFile: r.string('ADPULSE_PRICING_FILE', `${REPO_ROOT}deploy/pricing.json`),
    metricsMaxChannels: r.int('ADPULSE_METRICS_MAX_CHANNELS', 50, { min: 1, max: 1000 }),
    progressIntervalMs: r.durationMs('ADPULSE_PROGRESS_INTERVAL', 2000),
    dedupHorizonMs: r.durationMs('ADPULSE_DEDUP_HORIZON', 2 * DAY_MS),
    dedupMaxIds: r.int('ADPULSE_DEDUP_MAX_IDS', 1_000_000, { min: 1 }),
    sessionTimeoutMs: r.durationMs('ADPULSE_PROCESSOR_SESSION_TIMEOUT', 30_000),
    ratesRefreshMs,
    ratesFile: r.optionalString('ADPULSE_RATES_FILE'),
    attributionWindowMs: r.durationMs('ADPULSE_ATTRIBUTION_WINDOW', 7 * DAY_MS),
    attributionWaitMs: r.durationMs('ADPULSE_ATTRIBUTION_WAIT', 15 * 60_000),
  }
}
