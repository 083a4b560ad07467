import type { AlerterStateStore, SignalStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { type FramedCodec, type Signal, signalJsonReplacer } from '@adpulse/events'
import type { Producer } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import { type Evaluation, entityKey } from '@adpulse/rules'
import type { createAlerterMetrics } from './alerter-metrics.ts'
import { deliverWebhook } from './webhook.ts'

/** What publishing one evaluation needs: where signals and states go, and what counts them. */
export interface PublishContext {
  config: Pick<AdpulseConfig, 'kafka' | 'alerter'>
  codec: FramedCodec<Signal>
  producer: Producer
  signals: Pick<SignalStore, 'insert'>
  states: Pick<AlerterStateStore, 'save'>
  metrics: ReturnType<typeof createAlerterMetrics>
  log: Logger
  /** Webhook deliveries in flight, for stop() to wait for. */
  webhooks: Set<Promise<unknown>>
}

/**
 * An evaluation's signals on the signals topic (acknowledged first), then kept
 * in ClickHouse for /v1/signals, then the changed rule states saved, then each
 * signal counted, logged and sent to the webhook. A dry run only logs them.
 */
export async function publishSignals(ctx: PublishContext, result: Evaluation, at: number): Promise<void> {
  const { config, log } = ctx
  if (config.alerter.dryRun) {
    for (const s of result.signals) log.info({ signal: printable(s) }, 'dry run: would publish')
    return
  }
  await ctx.producer.send(
    config.kafka.topics.signals,
    result.signals.map((s) => ({
      key: entityKey(s.channel, s.campaign_id, s.ad_id),
      value: ctx.codec.encode(s),
    })),
  )
  await ctx.signals.insert(result.signals)
  await ctx.states.save(
    [...result.changed].map(([key, state]) => {
      const [rule = '', entity = ''] = key.split('\u0000')
      return { rule, entity, ...state }
    }),
    at,
  )
  for (const s of result.signals) announce(ctx, s)
}

/** Counts and logs a published signal, and hands it to the webhook when there is one. */
function announce(ctx: PublishContext, s: Signal): void {
  const { config, log, metrics } = ctx
  metrics.published.inc({ action: s.action })
  log.info(
    {
      signal_id: s.signal_id,
      action: s.action,
      entity: entityKey(s.channel, s.campaign_id, s.ad_id),
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
    }).finally(() => ctx.webhooks.delete(delivery))
    ctx.webhooks.add(delivery)
  }
}

const printable = (s: Signal): unknown => JSON.parse(JSON.stringify(s, signalJsonReplacer))
