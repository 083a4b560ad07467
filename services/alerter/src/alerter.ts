import type { KpiStore, SignalStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { createSignalCodec, type SignalAction } from '@adpulse/events'
import type { Producer } from '@adpulse/kafka'
import { rollingRange } from '@adpulse/kpi'
import type { Logger } from '@adpulse/observability'
import { Counter, Gauge, Histogram, type Registry } from '@adpulse/observability'
import type { RoiRule } from '@adpulse/rules'
import type { SchemaCatalog } from '@adpulse/schema-registry'
import { entityKey, evaluateChannels, type SignalState } from './evaluate.ts'

export interface AlerterDeps {
  config: Pick<AdpulseConfig, 'kafka' | 'alerter'>
  /** The schema signals are written with: the built-in table's, or the schema registry's id. */
  schemas: Pick<SchemaCatalog, 'signals'>
  kpis: KpiStore
  signals: SignalStore
  producer: Producer
  logger: Logger
  registry: Registry
  now?: () => number
}

export interface RunningAlerter {
  /** One evaluation now (also what the interval runs). */
  evaluate(): Promise<number>
  stop(): Promise<void>
}

/**
 * Every interval: ROI per channel over the rolling window → signals on the
 * signals topic (acknowledged first), then kept in ClickHouse for /v1/signals.
 * The last action per entity is rebuilt from stored signals at start, so a
 * restart does not repeat a signal.
 */
export async function startAlerter(deps: AlerterDeps): Promise<RunningAlerter> {
  const { config } = deps
  const now = deps.now ?? Date.now
  const log = deps.logger.child({ component: 'alerter' })
  const codec = createSignalCodec(deps.schemas.signals)
  const rule: RoiRule = {
    name: 'roi-threshold',
    cutBelowRoi: config.alerter.cutBelowRoi,
    scaleAboveRoi: config.alerter.scaleAboveRoi,
    minSpendMicros: config.alerter.minSpendMicros,
    scaleBudgetPct: 20,
  }
  const evaluations = new Counter({
    name: 'adpulse_alerter_evaluations_total',
    help: 'Rule evaluations, by result (ok, error).',
    labelNames: ['result'],
    registers: [deps.registry],
  })
  const published = new Counter({
    name: 'adpulse_alerter_signals_total',
    help: 'Signals published, by action.',
    labelNames: ['action'],
    registers: [deps.registry],
  })
  const evaluationSeconds = new Histogram({
    name: 'adpulse_alerter_evaluation_duration_seconds',
    help: 'Time of one evaluation: query, rules, publish.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [deps.registry],
  })
  const lastSuccess = new Gauge({
    name: 'adpulse_alerter_last_success_timestamp_seconds',
    help: 'When the last evaluation succeeded, Unix seconds; time() minus it says how stale the signals are.',
    registers: [deps.registry],
  })
  // Known label values start at 0, so rates and "no success lately" work before the first event.
  for (const result of ['ok', 'error']) evaluations.inc({ result }, 0)
  for (const action of ['CUT', 'SCALE'] satisfies SignalAction[]) published.inc({ action }, 0)

  const state: SignalState = new Map()
  // Oldest first, so the newest action of each entity wins.
  for (const signal of (await deps.signals.recent(10_000)).reverse()) {
    state.set(entityKey(signal.channel, signal.campaign_id), signal.action)
  }

  const evaluate = async (): Promise<number> => {
    const started = process.hrtime.bigint()
    const range = rollingRange(config.alerter.windowMs, now())
    const rows = await deps.kpis.sums(range, 'channel')
    const signals = evaluateChannels(rows, rule, range, state, now())
    await deps.producer.send(
      config.kafka.topics.signals,
      signals.map((s) => ({ key: entityKey(s.channel, s.campaign_id), value: codec.encode(s) })),
    )
    await deps.signals.insert(signals)
    for (const s of signals) {
      state.set(entityKey(s.channel, s.campaign_id), s.action)
      published.inc({ action: s.action })
      log.info(
        { signal_id: s.signal_id, action: s.action, channel: s.channel, roi: s.roi },
        'signal published',
      )
    }
    evaluationSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9)
    return signals.length
  }

  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let inFlight: Promise<unknown> = Promise.resolve()
  // A chain of timeouts, not setInterval: evaluations never overlap.
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      inFlight = evaluate()
        .then(() => {
          evaluations.inc({ result: 'ok' })
          lastSuccess.set(now() / 1000)
        })
        .catch((err: unknown) => {
          evaluations.inc({ result: 'error' })
          log.error({ err }, 'evaluation failed; retrying at the next interval')
        })
        .finally(schedule)
    }, config.alerter.intervalMs)
  }
  schedule()

  return {
    evaluate,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await inFlight
    },
  }
}
