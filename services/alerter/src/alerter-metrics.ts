import type { SignalAction } from '@adpulse/events'
import { Counter, Gauge, Histogram, type Registry } from '@adpulse/observability'

/** The alerter's metrics (docs/metrics.md). Known label values start at 0 so rates exist from the start. */
export function createAlerterMetrics(registry: Registry) {
  const metrics = {
    evaluations: new Counter({
      name: 'adpulse_alerter_evaluations_total',
      help: 'Rule evaluations, by result (ok, stale: data not complete, no decision; error).',
      labelNames: ['result'],
      registers: [registry],
    }),
    published: new Counter({
      name: 'adpulse_alerter_signals_total',
      help: 'Signals published, by action.',
      labelNames: ['action'],
      registers: [registry],
    }),
    evaluationSeconds: new Histogram({
      name: 'adpulse_alerter_evaluation_duration_seconds',
      help: 'Time of one evaluation: query, rules, publish.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'adpulse_alerter_last_success_timestamp_seconds',
      help: 'When the last evaluation succeeded, Unix seconds; time() minus it says how stale the signals are.',
      registers: [registry],
    }),
    entities: new Gauge({
      name: 'adpulse_alerter_entities_evaluated',
      help: 'Rule × entity pairs judged by the last evaluation.',
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'adpulse_alerter_leader',
      help: '1 while this instance holds the lease and publishes, 0 while it stands by.',
      registers: [registry],
    }),
    dataLag: new Gauge({
      name: 'adpulse_alerter_data_complete_timestamp_seconds',
      help: 'Instant through which the processor has written every accepted event, as the alerter last saw it, Unix seconds.',
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'adpulse_alerter_webhook_deliveries_total',
      help: 'Signals delivered to the webhook, by result (ok, failed after retries).',
      labelNames: ['result'],
      registers: [registry],
    }),
  }
  for (const result of ['ok', 'stale', 'error']) metrics.evaluations.inc({ result }, 0)
  for (const action of ['CUT', 'SCALE'] satisfies SignalAction[]) metrics.published.inc({ action }, 0)
  for (const result of ['ok', 'failed']) metrics.webhooks.inc({ result }, 0)
  metrics.leader.set(0)
  return metrics
}

/** A decided evaluation: the pairs it judged, when it succeeded, how long it took since `started` (hrtime). */
export function recordEvaluation(
  metrics: ReturnType<typeof createAlerterMetrics>,
  judged: number,
  at: number,
  started: bigint,
): void {
  metrics.entities.set(judged)
  metrics.evaluations.inc({ result: 'ok' })
  metrics.lastSuccess.set(at / 1000)
  metrics.evaluationSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9)
}
