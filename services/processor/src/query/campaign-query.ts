import type { CampaignListRequest, CampaignPage } from '@adpulse/clickhouse'
import { DEFAULT_CONTRACT } from '@adpulse/events'
import { decodeCursor, encodeCursor, fingerprintOf, malformedCursor } from './page-cursor.ts'
import {
  type ParamParse,
  parseFilterValue,
  parseLimit,
  type QueryParams,
  unknownParameters,
} from './query-params.ts'

export interface CampaignQuery {
  request: CampaignListRequest
  /** The parameters apart from the cursor, digested: a cursor is good for these only. */
  fingerprint: string
}

/** Every parameter GET /v1/campaigns reads; any other is a 400. */
export const CAMPAIGN_PARAMETERS = ['channel', 'limit', 'cursor'] as const

/**
 * Reads `channel` (a channel slug, all channels when absent), `limit` (1-1000,
 * default 100) and the `cursor` of a previous page, which holds the last
 * (channel, campaign_id) it listed.
 */
export function parseCampaignQuery(params: QueryParams): ParamParse<CampaignQuery> {
  const unknown = unknownParameters(params, CAMPAIGN_PARAMETERS)
  if (unknown !== null) return { ok: false, error: unknown }
  const channel =
    params.channel === undefined
      ? ({ ok: true, value: undefined } as const)
      : parseFilterValue('channel', params.channel, DEFAULT_CONTRACT)
  if (!channel.ok) return channel
  const limit = parseLimit(params.limit)
  if (!limit.ok) return limit
  const fingerprint = fingerprintOf({ channel: channel.value ?? null, limit: limit.value })
  const request: CampaignListRequest = { channel: channel.value, limit: limit.value }
  if (params.cursor === undefined) return { ok: true, value: { request, fingerprint } }
  const cursor = decodeCursor(params.cursor, fingerprint)
  if (!cursor.ok) return cursor
  const after = cursor.value
  if (typeof after.channel !== 'string' || typeof after.campaign_id !== 'string') return malformedCursor()
  return {
    ok: true,
    value: {
      request: { ...request, after: { channel: after.channel, campaign_id: after.campaign_id } },
      fingerprint,
    },
  }
}

/** The cursor after the last campaign of this page, null after the last page. */
export function nextCampaignCursor(query: CampaignQuery, page: CampaignPage): string | null {
  const last = page.rows.at(-1)
  if (!page.more || last === undefined) return null
  return encodeCursor({ channel: last.channel, campaign_id: last.campaign_id }, query.fingerprint)
}
