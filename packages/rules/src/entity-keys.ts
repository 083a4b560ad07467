import { createHash } from 'node:crypto'
import type { SignalAction } from '@adpulse/events'
import type { TimeRange } from '@adpulse/kpi'

/** Key of an entity, as on the signals topic: `channel`, `channel/campaign_id` or `channel/campaign_id/ad_id`. */
export const entityKey = (channel: string, campaignId: string | null, adId: string | null = null): string =>
  campaignId === null
    ? channel
    : adId === null
      ? `${channel}/${campaignId}`
      : `${channel}/${campaignId}/${adId}`

/** Key of what a rule remembers of an entity. */
export const stateKey = (rule: string, entity: string): string => `${rule}\u0000${entity}`

/** Deterministic: the same decision of a rule on the same entity and window has the same id. */
export function signalId(rule: string, entity: string, action: SignalAction, range: TimeRange): string {
  return createHash('sha256')
    .update(`${rule}\u0000${entity}\u0000${action}\u0000${range.from}\u0000${range.to}`)
    .digest('hex')
    .slice(0, 32)
}
