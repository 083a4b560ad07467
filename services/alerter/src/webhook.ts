import { type Signal, signalJsonReplacer } from '@adpulse/events'
import type { Logger } from '@adpulse/observability'

/** A Slack-compatible body (incoming webhooks take `text`); other receivers get the signal under `signal`. */
export function webhookBody(signal: Signal): object {
  const campaign = signal.campaign_id === null ? signal.channel : `${signal.channel}/${signal.campaign_id}`
  const entity = signal.ad_id === null ? campaign : `${campaign}/${signal.ad_id}`
  const roi = signal.roi === null ? 'n/a' : signal.roi.toFixed(3)
  const interval =
    signal.roi_lower === null
      ? ''
      : ` (${signal.roi_lower.toFixed(3)} to ${signal.roi_upper?.toFixed(3) ?? '∞'})`
  const change =
    signal.action === 'PAUSE_AD' || signal.action === 'PROMOTE_AD'
      ? `${signal.action === 'PAUSE_AD' ? 'pause' : 'promote'} the ad`
      : signal.budget_change_pct === -100
        ? 'pause'
        : `budget ${signal.budget_change_pct > 0 ? '+' : ''}${signal.budget_change_pct}%`
  return {
    text: `${signal.action} ${entity}: ${change}. ROI ${roi}${interval}, spend ${signal.spend_micros} micros, revenue ${signal.revenue_micros} micros; rule ${signal.rule} (${signal.condition}).`,
    signal,
  }
}

export interface WebhookOptions {
  url: string
  logger: Logger
  /** Attempts in all, default 5, with exponential backoff from 500 ms. */
  attempts?: number
  backoffMs?: number
  timeoutMs?: number
  onResult?(ok: boolean): void
}

/**
 * Delivers one signal, retrying on network errors, 429 and 5xx. The signals
 * topic stays the source of truth: a webhook that keeps failing is logged and
 * counted, never blocks publishing.
 */
export async function deliverWebhook(signal: Signal, options: WebhookOptions): Promise<boolean> {
  const attempts = options.attempts ?? 5
  const backoffMs = options.backoffMs ?? 500
  const body = JSON.stringify(webhookBody(signal), signalJsonReplacer)
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let retriable = true
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      })
      if (response.ok) {
        options.onResult?.(true)
        return true
      }
      retriable = response.status === 429 || response.status >= 500
      options.logger.warn(
        { status: response.status, attempt, signal_id: signal.signal_id },
        'webhook refused the signal',
      )
    } catch (err) {
      options.logger.warn({ err, attempt, signal_id: signal.signal_id }, 'webhook unreachable')
    }
    if (!retriable || attempt === attempts) break
    await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)))
  }
  options.onResult?.(false)
  return false
}
