import type { AlerterStateStore, KpiStore, ProgressStore, SignalStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { createSignalCodec, type Signal } from '@adpulse/events'
import type { Producer } from '@adpulse/kafka'
import { rollingRange } from '@adpulse/kpi'
import type { Logger, Registry } from '@adpulse/observability'
import { evaluateRules, type Rule, type RuleState, readWindowSums, stateKey } from '@adpulse/rules'
import { repeatEvery } from '@adpulse/runtime'
import type { SchemaCatalog } from '@adpulse/schema-registry'
import { createAlerterMetrics, recordEvaluation } from './alerter-metrics.ts'
import { type PublishContext, publishSignals } from './publish-signals.ts'

export interface AlerterDeps {
  config: Pick<AdpulseConfig, 'kafka' | 'alerter'>
  rules: readonly Rule[]
  /** The schema signals are written with: the built-in table's, or the schema registry's id. */
  schemas: Pick<SchemaCatalog, 'signals'>
  kpis: Pick<KpiStore, 'sums'>
  signals: Pick<SignalStore, 'insert'>
  progress: Pick<ProgressStore, 'completeThrough'>
  states: Pick<AlerterStateStore, 'load' | 'save'>
  producer: Producer
  /** Whether this instance publishes now (the leader lease); always true when alone. */
  isLeader: () => boolean
  logger: Logger
  registry: Registry
  now?: () => number
}

/** What GET /v1/signals says about the alerter. */
export interface AlerterStatus {
  /** ok: deciding; stale: data not complete enough to decide; standby: another instance leads; starting. */
  state: 'starting' | 'ok' | 'stale' | 'standby' | 'error'
  /** Every event accepted before this instant is in ClickHouse (RFC 3339), as last seen. */
  data_complete_through: string | null
  evaluated_at: string | null
  dry_run: boolean
}

export interface RunningAlerter {
  /** One evaluation now (also what the interval runs); the signals it published. */
  evaluate(): Promise<Signal[]>
  status(): AlerterStatus
  /** After a change of leader: read the states again before the next decision. */
  reloadStates(): void
  stop(): Promise<void>
}

/**
 * Every interval, on the leader: the rules over rolling windows that end where
 * the processor's data is complete → signals on the signals topic (acknowledged
 * first), then kept in ClickHouse for /v1/signals, then the rule states saved.
 * No decision when the data is older than ADPULSE_ALERTER_MAX_STALENESS.
 */
export async function startAlerter(deps: AlerterDeps): Promise<RunningAlerter> {
  const { config, rules } = deps
  const now = deps.now ?? Date.now
  const log = deps.logger.child({ component: 'alerter' })
  const metrics = createAlerterMetrics(deps.registry)

  let states: Map<string, RuleState> | undefined
  let status = startingStatus(config.alerter.dryRun)
  const publish: PublishContext = {
    ...deps,
    codec: createSignalCodec(deps.schemas.signals),
    metrics,
    log,
    webhooks: new Set(),
  }

  const evaluate = async (): Promise<Signal[]> => {
    const leader = deps.isLeader()
    metrics.leader.set(leader ? 1 : 0)
    const at = now()
    if (!leader) {
      status = { ...status, state: 'standby', evaluated_at: new Date(at).toISOString() }
      return []
    }
    const started = process.hrtime.bigint()
    states ??= await loadRuleStates(deps.states)
    const complete = await dataCompleteThrough(deps, metrics)
    status = {
      ...status,
      data_complete_through: complete === null ? null : new Date(complete).toISOString(),
      evaluated_at: new Date(at).toISOString(),
    }
    if (complete === null || at - complete > config.alerter.maxStalenessMs) {
      status = { ...status, state: 'stale' }
      metrics.evaluations.inc({ result: 'stale' })
      log.warn({ data_complete_through: status.data_complete_through }, 'data not complete: no decision')
      return []
    }

    // Each window ends with the minute through which the data is complete.
    const windows = await readWindowSums(
      rules,
      (windowMs) => rollingRange(windowMs, complete),
      (range, by) => deps.kpis.sums(range, by),
    )
    const result = evaluateRules(rules, windows, states, at)
    await publishSignals(publish, result, at)
    for (const [key, state] of result.changed) states.set(key, state)
    recordEvaluation(metrics, result.judged, at, started)
    status = { ...status, state: 'ok' }
    return result.signals
  }

  // Evaluations never overlap: the next starts an interval after the last ended.
  const evaluations = repeatEvery(config.alerter.intervalMs, evaluate, (err) => {
    metrics.evaluations.inc({ result: 'error' })
    status = { ...status, state: 'error' }
    log.error({ err }, 'evaluation failed; retrying at the next interval')
  })

  return {
    evaluate,
    status: () => status,
    reloadStates() {
      states = undefined
    },
    async stop() {
      await evaluations.stop()
      await Promise.allSettled([...publish.webhooks])
    },
  }
}

const startingStatus = (dryRun: boolean): AlerterStatus => ({
  state: 'starting',
  data_complete_through: null,
  evaluated_at: null,
  dry_run: dryRun,
})

/** The instant through which every accepted event is in ClickHouse (null before any), also on its gauge. */
async function dataCompleteThrough(
  deps: Pick<AlerterDeps, 'config' | 'progress'>,
  metrics: ReturnType<typeof createAlerterMetrics>,
): Promise<number | null> {
  const complete = await deps.progress.completeThrough(deps.config.kafka.topics.events)
  if (complete !== null) metrics.dataLag.set(complete / 1000)
  return complete
}

/** The rule states the alerter saved, by stateKey: a restarted or newly elected alerter goes on from them. */
async function loadRuleStates(store: Pick<AlerterStateStore, 'load'>): Promise<Map<string, RuleState>> {
  const loaded = new Map<string, RuleState>()
  for (const s of await store.load()) {
    loaded.set(stateKey(s.rule, s.entity), {
      active: s.active,
      lastSignalAt: s.lastSignalAt,
      totalChangePct: s.totalChangePct,
    })
  }
  return loaded
}
