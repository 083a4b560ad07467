import { ClickHouseError } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { classifyClickHouseError, isRetriableClickHouseError } from './errors.ts'

/** As a server's answer arrives through @clickhouse/client (parseError of `Code: N. DB::Exception: … (TYPE)`). */
const serverError = (code: string, type: string) =>
  new ClickHouseError({ message: `${type.toLowerCase()} happened. `, code, type })

/**
 * As embedded chDB's connection throws it: a ClickHouseError of chdb's own copy
 * of @clickhouse/client-common, so not an instance of ours (seen with chdb 3.4).
 */
class ChdbCopyOfClickHouseError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly type: string,
  ) {
    super(message)
  }
}

/** As Node reports a dropped or refused connection. */
const systemError = (code: string, message = `connect ${code} 127.0.0.1:8123`) =>
  Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' })

describe('classifyClickHouseError', () => {
  it('calls a schema mismatch, a full disk and a read-only table permanent, with their names', () => {
    const cases: [string, string][] = [
      ['16', 'NO_SUCH_COLUMN_IN_TABLE'],
      ['60', 'UNKNOWN_TABLE'],
      ['53', 'TYPE_MISMATCH'],
      ['27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
      ['243', 'NOT_ENOUGH_SPACE'],
      ['242', 'TABLE_IS_READ_ONLY'],
      ['164', 'READONLY'],
    ]
    for (const [code, type] of cases) {
      expect(classifyClickHouseError(serverError(code, type))).toEqual({ kind: 'permanent', code: type })
    }
  })

  it('calls overload, limits of the moment and Keeper retriable', () => {
    const cases: [string, string][] = [
      ['252', 'TOO_MANY_PARTS'],
      ['159', 'TIMEOUT_EXCEEDED'],
      ['210', 'NETWORK_ERROR'],
      ['209', 'SOCKET_TIMEOUT'],
      ['241', 'MEMORY_LIMIT_EXCEEDED'],
      ['202', 'TOO_MANY_SIMULTANEOUS_QUERIES'],
      ['999', 'KEEPER_EXCEPTION'],
    ]
    for (const [code, type] of cases) {
      expect(classifyClickHouseError(serverError(code, type))).toEqual({ kind: 'retriable', code: type })
    }
  })

  it('treats any other error ClickHouse answers as permanent: the same request gets the same answer', () => {
    expect(classifyClickHouseError(serverError('62', 'SYNTAX_ERROR'))).toEqual({
      kind: 'permanent',
      code: 'SYNTAX_ERROR',
    })
  })

  it("reads chDB's errors by their shape, not their class", () => {
    const full = new ChdbCopyOfClickHouseError(
      'Cannot reserve 1.00 MiB, not enough space. ',
      '243',
      'NOT_ENOUGH_SPACE',
    )
    expect(full).not.toBeInstanceOf(ClickHouseError)
    expect(classifyClickHouseError(full)).toEqual({ kind: 'permanent', code: 'NOT_ENOUGH_SPACE' })
    const parts = new ChdbCopyOfClickHouseError('Too many parts (3000). ', '252', 'TOO_MANY_PARTS')
    expect(classifyClickHouseError(parts)).toEqual({ kind: 'retriable', code: 'TOO_MANY_PARTS' })
  })

  it('calls network failures retriable, with or without a code', () => {
    expect(classifyClickHouseError(systemError('ECONNREFUSED'))).toEqual({
      kind: 'retriable',
      code: 'ECONNREFUSED',
    })
    expect(classifyClickHouseError(systemError('ECONNRESET', 'read ECONNRESET'))).toEqual({
      kind: 'retriable',
      code: 'ECONNRESET',
    })
    expect(classifyClickHouseError(new Error('socket hang up'))).toEqual({
      kind: 'retriable',
      code: 'ECONNRESET',
    })
    // @clickhouse/client's request_timeout
    expect(classifyClickHouseError(new Error('Timeout error.'))).toEqual({
      kind: 'retriable',
      code: 'ETIMEDOUT',
    })
  })

  it("takes an error's own `retriable` at its word (the processor's attempt timeout)", () => {
    class AttemptTimeoutError extends Error {
      readonly code = 'WRITE_TIMEOUT'
      readonly retriable = true
    }
    expect(classifyClickHouseError(new AttemptTimeoutError('no answer within 30000 ms'))).toEqual({
      kind: 'retriable',
      code: 'WRITE_TIMEOUT',
    })
    expect(classifyClickHouseError(Object.assign(new Error('no'), { retriable: false }))).toEqual({
      kind: 'permanent',
      code: 'UNKNOWN',
    })
  })

  it('treats what it does not recognise as retriable, as for Kafka', () => {
    expect(classifyClickHouseError(new Error('injected: connection refused'))).toEqual({
      kind: 'retriable',
      code: 'UNKNOWN',
    })
    expect(classifyClickHouseError('a string')).toEqual({ kind: 'retriable', code: 'UNKNOWN' })
    expect(isRetriableClickHouseError(serverError('60', 'UNKNOWN_TABLE'))).toBe(false)
    expect(isRetriableClickHouseError(systemError('ECONNRESET'))).toBe(true)
  })
})
