import { decodeCursor, encodeCursor, fingerprintOf, isCount, malformedCursor } from '../query/page-cursor.ts'
import { type ParamParse, type QueryParams, unknownParameters } from '../query/query-params.ts'

export type MembersFormat = 'ndjson' | 'csv'

/** GET /v1/audiences/{name}/members, read. */
export interface MembersQuery {
  format: MembersFormat
  /** `sha256`: identifiers exported as customer-match hashes instead of as they are. */
  hash: 'sha256' | undefined
  limit: number
  /** Epoch ms membership is computed at: the first page's time, carried by the cursor to the next ones. */
  at: number
  /** The last user_id of the previous page. */
  after: string | undefined
}

export const MAX_MEMBERS_LIMIT = 10_000
export const DEFAULT_MEMBERS_LIMIT = 1_000
const ACCEPTED = ['format', 'hash', 'cursor', 'limit'] as const

/** The query of a members export, or the 400 message naming the parameter. */
export function parseMembersQuery(
  audience: string,
  params: QueryParams,
  now: number,
): ParamParse<MembersQuery> {
  const unknown = unknownParameters(params, ACCEPTED)
  if (unknown !== null) return { ok: false, error: unknown }
  const format = params.format ?? 'ndjson'
  if (format !== 'ndjson' && format !== 'csv') {
    return { ok: false, error: `format: expected ndjson or csv, got ${JSON.stringify(params.format)}` }
  }
  const hash = params.hash
  if (hash !== undefined && hash !== 'sha256') {
    return { ok: false, error: `hash: expected sha256 (or no hash), got ${JSON.stringify(hash)}` }
  }
  const limit = params.limit === undefined ? DEFAULT_MEMBERS_LIMIT : Number(params.limit)
  if (
    !(typeof params.limit !== 'object' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_MEMBERS_LIMIT)
  ) {
    return {
      ok: false,
      error: `limit: expected an integer 1-${MAX_MEMBERS_LIMIT}, got ${JSON.stringify(params.limit)}`,
    }
  }
  const query: MembersQuery = { format, hash, limit, at: now, after: undefined }
  if (params.cursor === undefined) return { ok: true, value: query }
  const state = decodeCursor(params.cursor, fingerprintOf([audience, hash ?? null]))
  if (!state.ok) return state
  const { at, after } = state.value
  if (!isCount(at) || typeof after !== 'string') return malformedCursor()
  return { ok: true, value: { ...query, at, after } }
}

/**
 * The cursor of the page after one that ended with `lastUserId`; null on the
 * last page. It holds the first page's time, so every page is of one membership.
 */
export function nextMembersCursor(
  audience: string,
  query: MembersQuery,
  lastUserId: string | undefined,
  more: boolean,
): string | null {
  if (!more || lastUserId === undefined) return null
  return encodeCursor({ at: query.at, after: lastUserId }, fingerprintOf([audience, query.hash ?? null]))
}
