/**
 * What a ClickHouse failure means for whoever would try again:
 * - `retriable`: the same request can succeed later with nobody changing
 *   anything (the network, an overload, a timeout, a restart);
 * - `permanent`: ClickHouse understood the request and refuses it, and will
 *   refuse it again until an operator changes something (the schema, the disk,
 *   the table's or the user's mode, the access rights).
 */
export type ClickHouseErrorKind = 'retriable' | 'permanent'

export interface ClickHouseFailure {
  kind: ClickHouseErrorKind
  /**
   * ClickHouse's name of the error (`UNKNOWN_TABLE`, `TOO_MANY_PARTS`), the
   * system's for a network error (`ECONNRESET`), the error's own `code` when it
   * has one (`WRITE_TIMEOUT`), else `UNKNOWN`. For logs, messages and (through a
   * bounded label) metrics.
   */
  code: string
}

/**
 * Errors ClickHouse answers that pass with time: limits of the moment, an
 * overloaded or restarting server, Keeper or a replica away. Every other error
 * ClickHouse answers is permanent, typically: a schema mismatch
 * (NO_SUCH_COLUMN_IN_TABLE, THERE_IS_NO_COLUMN, UNKNOWN_TABLE, UNKNOWN_DATABASE,
 * TYPE_MISMATCH, CANNOT_PARSE_*, INCORRECT_DATA), a full disk (NOT_ENOUGH_SPACE),
 * a read-only table or user (TABLE_IS_READ_ONLY, READONLY), missing rights
 * (ACCESS_DENIED, AUTHENTICATION_FAILED). Permanent errs on the visible side:
 * a replicated table read-only while Keeper is away passes by itself, and a
 * caller that keeps trying slowly (the processor does) resumes then too.
 */
const RETRIABLE_CLICKHOUSE_ERRORS = new Set([
  'TIMEOUT_EXCEEDED',
  'SOCKET_TIMEOUT',
  'NETWORK_ERROR',
  'CANNOT_READ_FROM_SOCKET',
  'CANNOT_WRITE_TO_SOCKET',
  'UNEXPECTED_END_OF_FILE',
  'ALL_CONNECTION_TRIES_FAILED',
  'TOO_MANY_PARTS',
  'TOO_MANY_SIMULTANEOUS_QUERIES',
  'MEMORY_LIMIT_EXCEEDED',
  'CANNOT_SCHEDULE_TASK',
  'QUERY_WAS_CANCELLED',
  'ABORTED',
  'DEADLOCK_AVOIDED',
  'KEEPER_EXCEPTION',
  'ALL_REPLICAS_ARE_STALE',
  'NO_ACTIVE_REPLICAS',
  'UNKNOWN_STATUS_OF_INSERT',
  'UNFINISHED',
])

/** Node's codes for a connection that failed, dropped or stalled: all pass with time. */
const NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/** Messages of @clickhouse/client's own network failures, which carry no code. */
const NETWORK_MESSAGES: [RegExp, string][] = [
  [/socket hang up/i, 'ECONNRESET'],
  [/^Timeout error\.?$/, 'ETIMEDOUT'],
]

/**
 * Classifies any error a ClickHouse call threw. A server's exception arrives as
 * @clickhouse/client's ClickHouseError, `code` the number as a string and `type`
 * its name. Embedded chDB's connection parses its exceptions into a
 * ClickHouseError of its own copy of @clickhouse/client-common, so `instanceof`
 * fails there: the shape is what is read. An error that says whether it is
 * `retriable` (the processor's attempt timeout) is taken at its word; anything
 * not recognised is retriable, as for Kafka (packages/kafka/src/errors.ts).
 */
export function classifyClickHouseError(err: unknown): ClickHouseFailure {
  if (typeof err !== 'object' || err === null) return { kind: 'retriable', code: 'UNKNOWN' }
  const { code, type, retriable, message } = err as Record<string, unknown>
  if (typeof retriable === 'boolean') {
    return { kind: retriable ? 'retriable' : 'permanent', code: typeof code === 'string' ? code : 'UNKNOWN' }
  }
  if (typeof type === 'string' && typeof code === 'string' && /^\d+$/.test(code) && type !== '') {
    return { kind: RETRIABLE_CLICKHOUSE_ERRORS.has(type) ? 'retriable' : 'permanent', code: type }
  }
  if (typeof code === 'string' && NETWORK_ERRORS.has(code)) return { kind: 'retriable', code }
  const text = typeof message === 'string' ? message : ''
  const network = NETWORK_MESSAGES.find(([pattern]) => pattern.test(text))
  if (network) return { kind: 'retriable', code: network[1] }
  return { kind: 'retriable', code: typeof code === 'string' && code !== '' ? code : 'UNKNOWN' }
}

/** True when trying the same ClickHouse call again can succeed without anyone fixing anything. */
export function isRetriableClickHouseError(err: unknown): boolean {
  return classifyClickHouseError(err).kind === 'retriable'
}
