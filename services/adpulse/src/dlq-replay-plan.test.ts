import { type AdEvent, createEventCodec, DEFAULT_CONTRACT, deadLetterRecord } from '@adpulse/events'
import { describe, expect, it } from 'vitest'
import { countDecision, decideReplay, emptyTally, formatReplayReport } from './dlq-replay-plan.ts'

const codec = createEventCodec()
const RECEIVED = Date.UTC(2026, 10, 22, 10, 0)
const DAY = 86_400_000
const context = { contract: DEFAULT_CONTRACT, reportingCurrency: 'USD', codec }
const event: AdEvent = {
  event_id: 'e1',
  type: 'click',
  occurred_at: RECEIVED - 60_000,
  channel: 'search',
  campaign_id: 'c1',
  ad_id: null,
  click_id: null,
  cost_micros: 1_000_000n,
  value_micros: null,
  action: null,
  currency: 'GBP',
  user_id: null,
  source: 'web',
  received_at: RECEIVED,
}
const processorLetter = (reason: 'missing_rate' | 'too_late' | 'invalid_event', value: Buffer | null) =>
  deadLetterRecord({
    reason,
    stage: 'processor',
    topic: 'adpulse.events.v1',
    partition: 0,
    offset: '3',
    detail: 'whatever the processor said',
    value_base64: value === null ? null : value.toString('base64'),
  })
const sent = {
  event_id: 'e9',
  type: 'click',
  occurred_at: new Date(RECEIVED - 8 * DAY).toISOString(),
  channel: 'search',
  campaign_id: 'c9',
}
const ingestLetter = (input: unknown, over: { source?: string | null; receivedAt?: number | null } = {}) =>
  deadLetterRecord({
    reason: 'too_late',
    stage: 'ingest',
    source: over.source === undefined ? 'web' : over.source,
    receivedAt: over.receivedAt === undefined ? RECEIVED : over.receivedAt,
    eventId: 'e9',
    index: 0,
    input,
  })

describe('decideReplay: processor dead letters', () => {
  it('sends a missing_rate record back byte for byte, keyed by its campaign_id', () => {
    const bytes = codec.encode(event)
    const decision = decideReplay(processorLetter('missing_rate', bytes), context)
    expect(decision).toEqual({ replay: true, key: 'c1', value: bytes, eventId: 'e1' })
  })

  it('sends a refused event back only when the contract in force accepts it now, judged at its received_at', () => {
    const late = codec.encode({ ...event, occurred_at: RECEIVED - 8 * DAY })
    expect(decideReplay(processorLetter('too_late', late), context)).toEqual({
      replay: false,
      cause: 'still refused by the contract in force (too_late)',
    })
    const longer = { ...context, contract: { ...DEFAULT_CONTRACT, allowedLatenessMs: 9 * DAY } }
    expect(decideReplay(processorLetter('too_late', late), longer)).toEqual({
      replay: true,
      key: 'c1',
      value: late,
      eventId: 'e1',
    })
    const longId = codec.encode({ ...event, event_id: 'x'.repeat(200) })
    expect(decideReplay(processorLetter('invalid_event', longId), context)).toEqual({
      replay: false,
      cause: 'still refused by the contract in force (invalid_event)',
    })
  })

  it('skips a letter without its record, or whose record does not decode', () => {
    expect(decideReplay(processorLetter('missing_rate', null), context)).toEqual({
      replay: false,
      cause: 'no original record kept',
    })
    expect(decideReplay(processorLetter('missing_rate', Buffer.from('not avro')), context)).toEqual({
      replay: false,
      cause: 'the kept record does not decode',
    })
  })
})

describe('decideReplay: ingest dead letters', () => {
  it('validates the kept event again as ingest would at its receipt, for its source, and encodes it when valid now', () => {
    expect(decideReplay(ingestLetter(sent), context)).toEqual({
      replay: false,
      cause: 'still refused by the contract in force (too_late)',
    })
    const longer = { ...context, contract: { ...DEFAULT_CONTRACT, allowedLatenessMs: 9 * DAY } }
    const decision = decideReplay(ingestLetter(sent), longer)
    if (!decision.replay) throw new Error(`expected a replay, got ${decision.cause}`)
    expect(decision.key).toBe('c9')
    expect(decision.eventId).toBe('e9')
    expect(codec.decode(decision.value)).toEqual({
      event_id: 'e9',
      type: 'click',
      occurred_at: RECEIVED - 8 * DAY,
      channel: 'search',
      campaign_id: 'c9',
      ad_id: null,
      click_id: null,
      cost_micros: null,
      value_micros: null,
      action: null,
      currency: 'USD',
      user_id: null,
      source: 'web',
      received_at: RECEIVED,
    })
  })

  it('skips a letter that kept no event, or does not say who sent it or when', () => {
    const none = { replay: false, cause: 'no event kept to validate again' }
    expect(decideReplay(ingestLetter('a line of text'), context)).toEqual(none)
    expect(decideReplay(ingestLetter(sent, { source: null }), context)).toEqual(none)
    expect(decideReplay(ingestLetter(sent, { receivedAt: null }), context)).toEqual(none)
  })
})

describe('formatReplayReport', () => {
  it('says how many were replayed by reason, and every skipped count with its reason and cause', () => {
    const tally = emptyTally()
    countDecision(tally, 'missing_rate', { replay: true, key: 'c', value: Buffer.alloc(0), eventId: 'a' })
    countDecision(tally, 'missing_rate', { replay: true, key: 'c', value: Buffer.alloc(0), eventId: 'b' })
    countDecision(tally, 'too_late', { replay: true, key: 'c', value: Buffer.alloc(0), eventId: 'c' })
    countDecision(tally, 'too_late', {
      replay: false,
      cause: 'still refused by the contract in force (too_late)',
    })
    countDecision(tally, 'too_late', {
      replay: false,
      cause: 'still refused by the contract in force (too_late)',
    })
    countDecision(tally, 'missing_rate', { replay: false, cause: 'the kept record does not decode' })
    expect(formatReplayReport(tally, 'adpulse.events.v1', false)).toBe(
      'replayed 3 dead letters to adpulse.events.v1 (missing_rate 2, too_late 1)\n' +
        'skipped 3:\n' +
        '  too_late: 2 still refused by the contract in force (too_late)\n' +
        '  missing_rate: 1 the kept record does not decode\n',
    )
  })

  it('says what a dry run would do, and that it produced nothing', () => {
    const tally = emptyTally()
    countDecision(tally, 'missing_rate', { replay: true, key: 'c', value: Buffer.alloc(0), eventId: 'a' })
    expect(formatReplayReport(tally, 'ev', true)).toBe(
      'would replay 1 dead letter to ev (missing_rate 1); dry run: nothing produced\nwould skip 0\n',
    )
    expect(formatReplayReport(emptyTally(), 'ev', false)).toBe('replayed 0 dead letters to ev\nskipped 0\n')
  })
})
