import type { ValidationContext } from '@adpulse/events'
import { aRawEvent, TEST_NOW } from '@adpulse/testkit'
import { describe, expect, it } from 'vitest'
import { parseEventsBody } from './parse-body.ts'
import { prepareBatch } from './prepare-batch.ts'

const NOW = TEST_NOW
const ctx: ValidationContext = {
  now: NOW,
  allowedLatenessMs: 86_400_000,
  maxClockSkewMs: 300_000,
  reportingCurrency: 'USD',
  source: 'partner-a',
}

/** A valid click at NOW - 1s. */
const click = (id: string) => aRawEvent({ event_id: id }, NOW)

describe('prepareBatch', () => {
  it('accepts every valid item', () => {
    const batch = prepareBatch(
      [
        { ok: true, value: click('a') },
        { ok: true, value: click('b') },
      ],
      ctx,
    )
    expect(batch.rejected).toEqual([])
    expect(batch.accepted.map((e) => e.event_id)).toEqual(['a', 'b'])
    expect(batch.accepted[0]?.source).toBe('partner-a')
    expect(batch.accepted[0]?.received_at).toBe(NOW)
  })

  it('accepts the valid neighbours and reports each invalid item by index', () => {
    const badType = { ...click('c'), type: 'view' }
    const batch = prepareBatch(
      [
        { ok: true, value: click('a') },
        { ok: true, value: badType },
        { ok: true, value: click('b') },
        { ok: false, error: 'line is not valid JSON: Unexpected end of JSON input', line: '{"a":' },
        { ok: true, value: 'not an event' },
        { ok: true, value: { ...click('d'), channel: 'Search', cost_micros: -1 } },
        { ok: true, value: click('e') },
      ],
      ctx,
    )
    expect(batch.accepted.map((e) => e.event_id)).toEqual(['a', 'b', 'e'])
    expect(batch.rejected).toEqual([
      {
        index: 1,
        event_id: 'c',
        errors: [
          { field: 'type', expected: 'one of impression, click, conversion, engagement', got: '"view"' },
        ],
        reason: 'invalid_field',
        deadLetterReason: 'invalid_event',
        input: badType,
      },
      {
        index: 3,
        event_id: null,
        errors: [
          {
            field: '',
            expected: 'a JSON object',
            got: 'line is not valid JSON: Unexpected end of JSON input',
          },
        ],
        reason: 'unparsable_line',
        deadLetterReason: 'unparsable_line',
        input: '{"a":',
      },
      {
        index: 4,
        event_id: null,
        errors: [{ field: '', expected: 'an event object', got: '"not an event"' }],
        reason: 'not_an_object',
        deadLetterReason: 'invalid_event',
        input: 'not an event',
      },
      {
        index: 5,
        event_id: 'd',
        errors: [
          expect.objectContaining({ field: 'channel' }),
          expect.objectContaining({ field: 'cost_micros' }),
        ],
        reason: 'invalid_field',
        deadLetterReason: 'invalid_event',
        input: { ...click('d'), channel: 'Search', cost_micros: -1 },
      },
    ])
  })

  it('reports the event_id of a rejected event, cut to 128 characters, or null when not a string', () => {
    const long = 'x'.repeat(300)
    const batch = prepareBatch(
      [
        { ok: true, value: { ...click('a'), event_id: long } },
        { ok: true, value: { ...click('a'), event_id: 17 } },
      ],
      ctx,
    )
    expect(batch.accepted).toEqual([])
    expect(batch.rejected.map((r) => r.event_id)).toEqual(['x'.repeat(128), null])
    expect(batch.rejected.map((r) => r.index)).toEqual([0, 1])
  })

  it('tells late and future events apart from other invalid ones, for the dead-letter metric', () => {
    const batch = prepareBatch(
      [
        { ok: true, value: { ...click('late'), occurred_at: NOW - 2 * 86_400_000 } },
        { ok: true, value: { ...click('future'), occurred_at: NOW + 3_600_000 } },
        { ok: true, value: { ...click('bad'), campaign_id: '' } },
      ],
      ctx,
    )
    expect(batch.rejected.map((r) => [r.event_id, r.reason])).toEqual([
      ['late', 'too_late'],
      ['future', 'too_far_in_future'],
      ['bad', 'invalid_field'],
    ])
    // The record and adpulse_dead_letters_total say the same: too_late, not invalid_event.
    expect(batch.rejected.map((r) => r.deadLetterReason)).toEqual([
      'too_late',
      'too_far_in_future',
      'invalid_event',
    ])
  })

  it('judges ids by the contract it is given, control characters included', () => {
    const long = { ...click('x'), event_id: 'e'.repeat(150) }
    expect(prepareBatch([{ ok: true, value: long }], ctx).rejected).toHaveLength(1)
    expect(prepareBatch([{ ok: true, value: long }], { ...ctx, maxIdLength: 200 }).accepted).toHaveLength(1)
    const nul = { ...click('x'), campaign_id: 'camp\u00001' }
    expect(prepareBatch([{ ok: true, value: nul }], ctx).rejected[0]?.errors.map((e) => e.field)).toEqual([
      'campaign_id',
    ])
  })

  it('gives an empty batch for no items', () => {
    expect(prepareBatch([], ctx)).toEqual({ accepted: [], rejected: [] })
  })

  it('indexes NDJSON items by event, blank lines not counted', () => {
    const body = [JSON.stringify(click('a')), '', '{"event_id": "b",', JSON.stringify(click('c'))].join('\n')
    const parsed = parseEventsBody(body, 'ndjson')
    if (!parsed.ok) throw new Error(parsed.error)
    const batch = prepareBatch(parsed.items, ctx)
    expect(batch.accepted.map((e) => e.event_id)).toEqual(['a', 'c'])
    expect(batch.rejected.map((r) => r.index)).toEqual([1])
  })
})
