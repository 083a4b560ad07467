import { createHash } from 'node:crypto'
import type { ParamParse } from './query-params.ts'

/**
 * The `cursor` of a paged answer: base64url of a small JSON object, opaque to
 * callers. It carries where the next page starts and a fingerprint of the
 * parameters that shaped the first page, so that a cursor replayed with other
 * parameters is a 400 rather than a page of some other query.
 */
export type CursorState = Record<string, unknown>

/** A short digest of a query's parameters (canonical JSON: keys in the order given by the caller). */
export function fingerprintOf(parameters: unknown): string {
  return createHash('sha256').update(JSON.stringify(parameters)).digest('base64url').slice(0, 22)
}

export function encodeCursor(state: CursorState, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ ...state, p: fingerprint })).toString('base64url')
}

const MALFORMED = 'cursor: expected the next_cursor of an earlier answer, unchanged'
const OTHER_QUERY =
  'cursor: belongs to a query with other parameters; repeat the parameters of the first page with it, or leave it out to start over'

/**
 * The state of a cursor issued for the same fingerprint, or the 400 message:
 * malformed, or issued for other parameters.
 */
export function decodeCursor(raw: unknown, fingerprint: string): ParamParse<CursorState> {
  if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]{1,32768}$/.test(raw)) return { ok: false, error: MALFORMED }
  let state: unknown
  try {
    state = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    return { ok: false, error: MALFORMED }
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state))
    return { ok: false, error: MALFORMED }
  const { p, ...rest } = state as CursorState
  if (typeof p !== 'string') return { ok: false, error: MALFORMED }
  if (p !== fingerprint) return { ok: false, error: OTHER_QUERY }
  return { ok: true, value: rest }
}

/** The cursor's state is not what its issuer writes (a hand-made or damaged cursor). */
export const malformedCursor = (): { ok: false; error: string } => ({ ok: false, error: MALFORMED })

/** A non-negative safe integer, as offsets and epoch milliseconds in a cursor are. */
export const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
