import { channelRule, type EventContract, idRule } from '@adpulse/events'
import type { KpiFilters } from '@adpulse/kpi'

/** A parameter read, or the 400 message that names it and what it accepts. */
export type ParamParse<T> = { ok: true; value: T } | { ok: false; error: string }

/** Query strings as fastify hands them over: a string, or an array when repeated. */
export type QueryParams = Record<string, unknown>

/**
 * The message for parameters a route does not know, null when there are none:
 * a typo such as `campaign=` for `campaign_id=` must not answer everything.
 */
export function unknownParameters(params: QueryParams, accepted: readonly string[]): string | null {
  const unknown = Object.keys(params).filter((name) => !accepted.includes(name))
  if (unknown.length === 0) return null
  const names = unknown.map((name) => JSON.stringify(name)).join(', ')
  return `unknown parameter${unknown.length === 1 ? '' : 's'} ${names}: expected ${accepted.join(', ')}`
}

export const MAX_PAGE_LIMIT = 1000
export const DEFAULT_PAGE_LIMIT = 100

/** `limit`: rows per page, an integer 1-1000, DEFAULT_PAGE_LIMIT when absent. */
export function parseLimit(raw: unknown): ParamParse<number> {
  if (raw === undefined) return { ok: true, value: DEFAULT_PAGE_LIMIT }
  const limit = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN
  if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT)) {
    return { ok: false, error: `limit: expected an integer 1-${MAX_PAGE_LIMIT}, got ${JSON.stringify(raw)}` }
  }
  return { ok: true, value: limit }
}

/** A filter parameter: `channel`, `campaign_id`, `ad_id`, `action` or `source`. */
export type FilterName = keyof KpiFilters

/**
 * A filter value, checked with the rule its field has in the write contract
 * (channel a slug; ids and actions 1 to the configured length, no control
 * characters): a value no event could carry is a mistake worth a 400, not an
 * empty answer.
 */
export function parseFilterValue(
  name: FilterName,
  raw: unknown,
  contract: Pick<EventContract, 'maxIdLength' | 'maxActionLength'>,
): ParamParse<string> {
  if (typeof raw !== 'string')
    return { ok: false, error: `${name}: expected one value, got ${JSON.stringify(raw)}` }
  const broken =
    name === 'channel'
      ? channelRule(raw)
      : idRule(raw, name === 'action' ? contract.maxActionLength : contract.maxIdLength)
  if (broken !== null) return { ok: false, error: `${name}: expected ${broken}, got ${JSON.stringify(raw)}` }
  return { ok: true, value: raw }
}
