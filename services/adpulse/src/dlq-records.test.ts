import { type DeadLetterRecord, deadLetterRecord } from '@adpulse/events'
import { describe, expect, it } from 'vitest'
import { type DeadLetter, formatJsonLine, formatLine, matches, readDeadLetter } from './dlq-records.ts'

const T = Date.UTC(2026, 10, 22, 10, 0)
const ingestLetter = deadLetterRecord({
  reason: 'too_late',
  stage: 'ingest',
  source: 'web',
  receivedAt: T - 1000,
  eventId: 'e1',
  index: 0,
  errors: [{ field: 'occurred_at', expected: 'an event time within the allowed lateness of 1 ms', got: '1' }],
  input: { event_id: 'e1' },
})
const processorLetter = deadLetterRecord({
  reason: 'missing_rate',
  stage: 'processor',
  source: 'web',
  receivedAt: T - 2000,
  eventId: 'e2',
  detail: 'no GBP rate for 2026-11-22 (the UTC day of occurred_at) in currency_rates',
  topic: 'adpulse.events.v1',
  partition: 2,
  offset: '17',
  value_base64: 'AAAAAAE=',
})
const message = (record: unknown, timestamp = T) => ({
  offset: '5',
  value: Buffer.from(JSON.stringify(record)),
  timestamp,
})
const letter = (record: DeadLetterRecord, writtenAt = T): DeadLetter => ({
  partition: 1,
  offset: '5',
  writtenAt,
  record,
})

describe('readDeadLetter', () => {
  it('takes a record with a known reason and stage, with where and when it was dead-lettered', () => {
    expect(readDeadLetter(1, message(ingestLetter))).toEqual(letter(ingestLetter))
  })

  it('names what is wrong with a record adpulse did not write', () => {
    const unreadable = (value: Buffer | null) =>
      readDeadLetter(0, { offset: '0', value, timestamp: T }).record
    expect(unreadable(null)).toEqual({ unreadable: 'empty record (a tombstone)' })
    expect(unreadable(Buffer.from('{nope'))).toEqual({ unreadable: 'not JSON' })
    expect(unreadable(Buffer.from('[1]'))).toEqual({ unreadable: 'not a JSON object' })
    expect(unreadable(Buffer.from('{"reason":"late","stage":"ingest"}'))).toEqual({
      unreadable: 'no known reason (got "late")',
    })
    expect(unreadable(Buffer.from('{"reason":"too_late"}'))).toEqual({
      unreadable: 'no known stage (got none)',
    })
  })
})

describe('matches', () => {
  const all = { reasons: new Set<never>(), from: undefined, to: undefined }
  it('keeps the asked reasons written in [from, to)', () => {
    const filter = { reasons: new Set(['too_late'] as const), from: T, to: T + 1000 }
    expect(matches(letter(ingestLetter, T), filter)).toBe(true)
    expect(matches(letter(ingestLetter, T + 999), filter)).toBe(true)
    expect(matches(letter(ingestLetter, T - 1), filter)).toBe(false)
    expect(matches(letter(ingestLetter, T + 1000), filter)).toBe(false)
    expect(matches(letter(processorLetter, T), filter)).toBe(false)
    expect(matches(letter(processorLetter, T), all)).toBe(true)
  })

  it('shows an unreadable record only when no reason is asked for', () => {
    const unreadable = readDeadLetter(0, { offset: '0', value: null, timestamp: T })
    expect(matches(unreadable, all)).toBe(true)
    expect(matches(unreadable, { ...all, reasons: new Set(['missing_rate'] as const) })).toBe(false)
  })
})

describe('formatLine', () => {
  it('prints when, reason, stage, source, event id, receipt, where the processor read it, and the detail', () => {
    expect(formatLine(letter(processorLetter))).toBe(
      '2026-11-22T10:00:00.000Z  missing_rate  processor  source=web  event_id=e2  ' +
        'received_at=2026-11-22T09:59:58.000Z  from=adpulse.events.v1/2@17\n' +
        '    no GBP rate for 2026-11-22 (the UTC day of occurred_at) in currency_rates\n',
    )
    expect(formatLine(letter(ingestLetter))).toBe(
      '2026-11-22T10:00:00.000Z  too_late  ingest  source=web  event_id=e1  received_at=2026-11-22T09:59:59.000Z\n' +
        '    occurred_at: an event time within the allowed lateness of 1 ms (got 1)\n',
    )
  })

  it('prints - for what is unknown, and an unreadable record as such', () => {
    const poison = deadLetterRecord({
      reason: 'poison_record',
      stage: 'processor',
      detail: '',
      value_base64: null,
    })
    expect(formatLine(letter(poison))).toBe(
      '2026-11-22T10:00:00.000Z  poison_record  processor  source=-  event_id=-  received_at=-\n    (no detail)\n',
    )
    expect(formatLine(readDeadLetter(3, { offset: '9', value: Buffer.from('x'), timestamp: T }))).toBe(
      '2026-11-22T10:00:00.000Z  unreadable  at 3/9\n    not JSON\n',
    )
  })
})

describe('formatJsonLine', () => {
  it('is the record as written, with where and when it was dead-lettered', () => {
    const line = formatJsonLine(letter(processorLetter))
    expect(line.endsWith('\n')).toBe(true)
    expect(JSON.parse(line)).toEqual({
      dead_lettered_at: '2026-11-22T10:00:00.000Z',
      dlq_partition: 1,
      dlq_offset: '5',
      ...processorLetter,
    })
  })
})
