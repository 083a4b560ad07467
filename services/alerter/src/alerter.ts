import type { AlerterStateStore, KpiStore, ProgressStore, SignalStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { createSignalCodec, type Signal, signalJsonReplacer } from '@adpulse/events'
import type { Producer } from '@adpulse/kafka'
import { rollingRange } from '@adpulse/kpi'
import type { Logger, Registry } from '@adpulse/observability'
import { entityKey, evaluateRules, type Rule, type RuleState, readWindowSums, stateKey } from '@adpulse/rules'
import { repeatEvery } from '@adpulse/runtime'
import type { SchemaCatalog } from '@adpulse/schema-registry'
import { createAlerterMetrics } from './alerter-metrics.ts'
import { deliverWebhook } from './webhook.ts'

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
  const codec = createSignalCodec(deps.schemas.signals)
  const metrics = createAlerterMetrics(deps.registry)
  const webhooks = new Set<Promise<unknown>>()

  let states: Map<string, RuleState> | undefined
  let status: AlerterStatus = {
    state: 'starting',
    data_complete_through: null,
    evaluated_at: null,
    dry_run: config.alerter.dryRun,
  }
  const loadStates = async () => {
    const loaded = new Map<string, RuleState>()
    for (const s of await deps.states.load()) {
      loaded.set(stateKey(s.rule, s.entity), {
        active: s.active,
        lastSignalAt: s.lastSignalAt,
        totalChangePct: s.totalChangePct,
      })
    }
    return loaded
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
    states ??= await loadStates()
    const complete = await deps.progress.completeThrough(config.kafka.topics.events)
    if (complete !== null) metrics.dataLag.set(complete / 1000)
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
    if (config.alerter.dryRun) {
      for (const s of result.signals) log.info({ signal: printable(s) }, 'dry run: would publish')
    } else {
      await deps.producer.send(
        config.kafka.topics.signals,
        result.signals.map((s) => ({ key: entityKey(s.channel, s.campaign_id), value: codec.encode(s) })),
      )
      await deps.signals.insert(result.signals)
      await deps.states.save(
        [...result.changed].map(([key, state]) => {
          const [rule = '', entity = ''] = key.split('\u0000')
          return { rule, entity, ...state }
        }),
        at,
      )
      for (const s of result.signals) {
        metrics.published.inc({ action: s.action })
        log.info(
          {
            signal_id: s.signal_id,
            action: s.action,
            entity: entityKey(s.channel, s.campaign_id),
            rule: s.rule,
            roi: s.roi,
          },
          'signal published',
        )
        if (config.alerter.webhookUrl !== undefined) {
          const delivery = deliverWebhook(s, {
            url: config.alerter.webhookUrl,
            logger: log,
            onResult: (ok) => metrics.webhooks.inc({ result: ok ? 'ok' : 'failed' }),
          }).finally(() => webhooks.delete(delivery))
          webhooks.add(delivery)
        }
      }
    }
    for (const [key, state] of result.changed) states.set(key, state)
    metrics.entities.set(result.judged)
    metrics.evaluations.inc({ result: 'ok' })
    metrics.lastSuccess.set(at / 1000)
    metrics.evaluationSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9)
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
      await Promise.allSettled([...webhooks])
    },
  }
}

const printable = (s: Signal): unknown => JSON.parse(JSON.stringify(s, signalJsonReplacer))
