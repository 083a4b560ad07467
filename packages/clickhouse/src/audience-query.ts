import type { AudienceDefinition, EventMatch } from '@adpulse/audiences'
import type { BoundQuery } from './kpi-rows-query.ts'

/** The moment membership is computed at, and a page of members in user_id order. */
export interface MembersPage {
  /** Epoch ms: events after it are not looked at, members whose membership ends by then are out. */
  now: number
  /** Only members whose user_id sorts after this one (the cursor of the previous page). */
  after: string | undefined
  limit: number
}

/**
 * `type = … AND action IN … AND channel IN … AND campaign_id IN …`, an empty
 * list matching anything; values travel as parameters named with `prefix`.
 */
function matchCondition(match: EventMatch, prefix: string, params: Record<string, unknown>): string {
  params[`${prefix}_type`] = match.type
  const parts = [`type = {${prefix}_type:String}`]
  const lists: Array<[string, readonly string[]]> = [
    ['action', match.actions],
    ['channel', match.channels],
    ['campaign_id', match.campaigns],
  ]
  for (const [column, values] of lists) {
    if (values.length === 0) continue
    params[`${prefix}_${column}`] = values
    parts.push(`${column} IN {${prefix}_${column}:Array(String)}`)
  }
  return parts.join(' AND ')
}

const ms = (column: string) => `toUnixTimestamp64Milli(${column})`

/**
 * The members of an audience at `now`, one row per user: user_id, joined_at,
 * last_included_at and expires_at (DateTime64). In four levels:
 * 1. the including events with a user_id within the include lookback, and (an
 *    exclude without lookback) only those after the user's latest excluding event;
 * 2. each with the time of the user's previous one (lagInFrame);
 * 3. per user: the latest including event, and joined_at, the start of the
 *    current run of including events (one that came more than the duration
 *    after the one before it, or the first): membership lapsed before it;
 *    users with an excluding event within an exclude lookback are left out;
 * 4. those whose membership (latest including event + duration) has not ended.
 * Only events still in events_raw count: membership reaches back no further than ADPULSE_RAW_RETENTION.
 */
export function membershipQuery(
  database: string,
  audience: AudienceDefinition,
  now: number,
  onlyUser?: string,
): { query: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {
    now_ms: now,
    include_from_ms: now - audience.include.lookbackMs,
    duration_ms: audience.durationMs,
  }
  let oneUser = ''
  if (onlyUser !== undefined) {
    params.only_user = onlyUser
    oneUser = 'AND e.user_id = {only_user:String}'
  }
  const nowAt = "fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')"
  const include = matchCondition(audience.include, 'inc', params)
  const { exclude } = audience
  let lastOut = ''
  let excludedAfter = ''
  let excludedWithin = ''
  if (exclude !== undefined) {
    const condition = matchCondition(exclude, 'exc', params)
    if (exclude.lookbackMs === undefined) {
      // The user's latest excluding event: only including events after it count.
      // Without a match, last_out_ms is 0 (or NULL with join_use_nulls).
      lastOut = `LEFT JOIN (
          SELECT assumeNotNull(user_id) AS out_user, max(${ms('occurred_at')}) AS last_out_ms
          FROM ${database}.events_raw
          WHERE user_id IS NOT NULL AND ${condition} AND occurred_at <= ${nowAt}
          GROUP BY out_user
        ) AS x ON x.out_user = assumeNotNull(e.user_id)`
      excludedAfter = `AND ${ms('e.occurred_at')} > coalesce(x.last_out_ms, 0)`
    } else {
      params.exclude_from_ms = now - exclude.lookbackMs
      excludedWithin = `WHERE user_id NOT IN (
          SELECT assumeNotNull(user_id) FROM ${database}.events_raw
          WHERE user_id IS NOT NULL AND ${condition}
            AND ${ms('occurred_at')} >= {exclude_from_ms:Int64} AND occurred_at <= ${nowAt})`
    }
  }
  const query = `
    SELECT user_id,
      fromUnixTimestamp64Milli(joined_ms, 'UTC') AS joined_at,
      fromUnixTimestamp64Milli(last_ms, 'UTC') AS last_included_at,
      fromUnixTimestamp64Milli(last_ms + {duration_ms:Int64}, 'UTC') AS expires_at
    FROM (
      SELECT user_id, max(at_ms) AS last_ms,
        maxIf(at_ms, prev_ms = 0 OR at_ms - prev_ms > {duration_ms:Int64}) AS joined_ms
      FROM (
        SELECT user_id, at_ms,
          lagInFrame(at_ms, 1, toInt64(0)) OVER (PARTITION BY user_id ORDER BY at_ms ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS prev_ms
        FROM (
          SELECT assumeNotNull(e.user_id) AS user_id, ${ms('e.occurred_at')} AS at_ms
          FROM ${database}.events_raw AS e ${lastOut}
          WHERE e.user_id IS NOT NULL ${oneUser} AND ${include}
            AND ${ms('e.occurred_at')} >= {include_from_ms:Int64} AND e.occurred_at <= ${nowAt}
            ${excludedAfter}
        )
      )
      ${excludedWithin}
      GROUP BY user_id
    )
    WHERE last_ms + {duration_ms:Int64} > {now_ms:Int64}`
  return { query, params }
}

/** One page of members, in user_id order, one more than the limit (so the caller knows there are more). */
export function membersPageQuery(
  database: string,
  audience: AudienceDefinition,
  page: MembersPage,
): BoundQuery {
  const { query, params } = membershipQuery(database, audience, page.now)
  const after = page.after === undefined ? '' : 'AND user_id > {after:String}'
  if (page.after !== undefined) params.after = page.after
  params.limit = page.limit + 1
  return {
    query: `SELECT user_id, ${ms('joined_at')} AS joined_ms, ${ms('expires_at')} AS expires_ms
      FROM (${query}) WHERE 1 ${after} ORDER BY user_id LIMIT {limit:UInt32}`,
    params,
  }
}

/** How many members the audience has at `now`. */
export function audienceSizeQuery(database: string, audience: AudienceDefinition, now: number): BoundQuery {
  const { query, params } = membershipQuery(database, audience, now)
  return { query: `SELECT count() AS size FROM (${query})`, params }
}

/** 1 when the user is a member of the audience at `now`, else 0. */
export function isMemberQuery(
  database: string,
  audience: AudienceDefinition,
  userId: string,
  now: number,
): BoundQuery {
  const { query, params } = membershipQuery(database, audience, now, userId)
  return { query: `SELECT count() AS size FROM (${query})`, params }
}
