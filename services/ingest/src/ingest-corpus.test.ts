import { gzipSync } from 'node:zlib'
import { type DeadLetterReason, describeFieldError } from '@adpulse/events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { click, NOW, startTestIngest, TEST_KEY, type TestIngest } from '../test/support.ts'

/**
 * The corpus of bad input: every case the front door must answer clearly,
 * with its status and error, and never crash. Whole-request cases first, then
 * events refused one by one beside valid neighbours.
 */

interface RequestCase {
  name: string
  headers?: Record<string, string>
  body?: string | Buffer
  status: number
  error: string
  /** Part of the message the sender reads. */
  message?: RegExp
}

const json = { 'content-type': 'application/json' }
const auth = { authorization: `Bearer ${TEST_KEY}` }
const valid = JSON.stringify([click('ok-1')])

const REQUEST_CASES: RequestCase[] = [
  { name: 'no key', headers: json, body: valid, status: 401, error: 'unauthorized' },
  {
    name: 'a wrong key',
    headers: { ...json, authorization: 'Bearer wrong-key-0000' },
    body: valid,
    status: 401,
    error: 'unauthorized',
  },
  {
    name: 'malformed JSON',
    headers: { ...auth, ...json },
    body: '[{"event_id":"a",',
    status: 400,
    error: 'unparsable_body',
    message: /^body is not valid JSON/,
  },
  {
    name: 'a truncated JSON body',
    headers: { ...auth, ...json },
    body: valid.slice(0, valid.length - 3),
    status: 400,
    error: 'unparsable_body',
  },
  {
    name: 'NaN, which JSON does not have',
    headers: { ...auth, ...json },
    body: '[{"event_id":"n","cost_micros":NaN}]',
    status: 400,
    error: 'unparsable_body',
  },
  {
    name: 'JSON that is not an array',
    headers: { ...auth, ...json },
    body: JSON.stringify(click('obj')),
    status: 400,
    error: 'unparsable_body',
    message: /must be a JSON array/,
  },
  {
    name: 'a wrong content type',
    headers: { ...auth, 'content-type': 'text/plain' },
    body: valid,
    status: 415,
    error: 'unsupported_media_type',
  },
  {
    name: 'a form post',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'a=1',
    status: 415,
    error: 'unsupported_media_type',
  },
  { name: 'no content type', headers: auth, body: valid, status: 415, error: 'unsupported_media_type' },
  { name: 'no body at all', headers: auth, status: 415, error: 'unsupported_media_type' },
  {
    name: 'a body over the limit',
    headers: { ...auth, ...json },
    body: JSON.stringify([click('big', { user_id: 'u'.repeat(1024 * 1024) })]),
    status: 413,
    error: 'body_too_large',
  },
  {
    name: 'more events than allowed',
    headers: { ...auth, ...json },
    body: JSON.stringify([click('a'), click('b'), click('c'), click('d'), click('e')]),
    status: 413,
    error: 'too_many_events',
    message: /at most 4 events per request, got 5/,
  },
  {
    name: 'a truncated body (shorter than its Content-Length)',
    headers: { ...auth, ...json, 'content-length': String(valid.length + 10) },
    body: valid,
    status: 400,
    error: 'undecodable_body',
  },
  {
    name: 'a truncated gzip body',
    headers: { ...auth, ...json, 'content-encoding': 'gzip' },
    body: gzipSync(valid).subarray(0, 20),
    status: 400,
    error: 'undecodable_body',
    message: /not valid gzip/,
  },
  {
    name: 'a body said to be gzip that is not',
    headers: { ...auth, ...json, 'content-encoding': 'gzip' },
    body: valid,
    status: 400,
    error: 'undecodable_body',
  },
  {
    name: 'an unsupported content encoding',
    headers: { ...auth, ...json, 'content-encoding': 'br' },
    body: valid,
    status: 415,
    error: 'unsupported_encoding',
  },
  {
    name: 'a body that is not UTF-8',
    headers: { ...auth, ...json },
    body: Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]),
    status: 400,
    error: 'undecodable_body',
    message: /UTF-8/,
  },
]

interface EventCase {
  name: string
  event: unknown
  field: string
  expected: RegExp
  got: string
  /** The reason of its dead letter, when not invalid_event. */
  deadLetter?: DeadLetterReason
}

const EVENT_CASES: EventCase[] = [
  {
    name: 'a wrong type of id',
    event: click('x', { event_id: 42 }),
    field: 'event_id',
    expected: /string/,
    got: '42',
  },
  {
    name: 'an unknown type',
    event: click('t', { type: 'view' }),
    field: 'type',
    expected: /one of/,
    got: '"view"',
  },
  {
    name: 'a missing field',
    event: { event_id: 'm', type: 'click', occurred_at: NOW, channel: 'search' },
    field: 'campaign_id',
    expected: /string of 1-128/,
    got: 'nothing',
  },
  {
    name: 'an empty string',
    event: click('e', { campaign_id: '' }),
    field: 'campaign_id',
    expected: /1-128/,
    got: '""',
  },
  {
    name: 'an oversized string',
    event: click('o', { ad_id: 'a'.repeat(129) }),
    field: 'ad_id',
    expected: /1-128/,
    got: `"${'a'.repeat(76)}...`,
  },
  {
    name: 'NaN money as a string',
    event: click('n', { cost_micros: 'NaN' }),
    field: 'cost_micros',
    expected: /integer micros/,
    got: '"NaN"',
  },
  {
    name: 'negative money',
    event: click('neg', { cost_micros: -5 }),
    field: 'cost_micros',
    expected: /integer micros >= 0/,
    got: '-5',
  },
  {
    name: 'non-integer money',
    event: click('f', { cost_micros: 1.5 }),
    field: 'cost_micros',
    expected: /integer micros/,
    got: '1.5',
  },
  {
    name: 'a timestamp in seconds',
    event: click('s', { occurred_at: Math.floor(NOW / 1000) }),
    field: 'occurred_at',
    expected: /looks like seconds/,
    got: String(Math.floor(NOW / 1000)),
  },
  {
    name: 'an event older than the allowed lateness',
    event: click('old', { occurred_at: NOW - 7 * 86_400_000 - 1 }),
    field: 'occurred_at',
    expected: /allowed lateness/,
    got: String(NOW - 7 * 86_400_000 - 1),
    deadLetter: 'too_late',
  },
  {
    name: 'an event beyond the clock skew',
    event: click('fut', { occurred_at: new Date(NOW + 5 * 60_000 + 1).toISOString() }),
    field: 'occurred_at',
    expected: /in the future/,
    got: `"${new Date(NOW + 5 * 60_000 + 1).toISOString()}"`,
    deadLetter: 'too_far_in_future',
  },
  {
    name: 'a timestamp that is neither RFC 3339 nor epoch ms',
    event: click('d', { occurred_at: '22/11/2026 10:00' }),
    field: 'occurred_at',
    expected: /RFC 3339/,
    got: '"22/11/2026 10:00"',
  },
  { name: 'not an object', event: ['click'], field: '', expected: /event object/, got: 'an array' },
]

describe('ingest corpus: whole requests', () => {
  let ingest: TestIngest
  beforeAll(async () => {
    ingest = await startTestIngest({
      ADPULSE_INGEST_MAX_BODY_BYTES: String(1024 * 1024),
      ADPULSE_INGEST_MAX_INFLATED_BYTES: String(1024 * 1024),
      ADPULSE_INGEST_MAX_EVENTS: '4',
      ADPULSE_INGEST_RATE_BURST: '8',
    })
  })
  afterAll(() => ingest.close())

  for (const c of REQUEST_CASES) {
    it(`answers ${c.status} ${c.error} to ${c.name}, and sends no event`, async () => {
      const before = ingest.producer.messagesOf(ingest.topics.events).length
      const response = await ingest.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: c.headers ?? {},
        ...(c.body === undefined ? {} : { payload: c.body }),
      })
      expect(response.statusCode).toBe(c.status)
      const body = response.json() as { error: string; message: string }
      expect(body.error).toBe(c.error)
      expect(body.message).toEqual(expect.any(String))
      if (c.message) expect(body.message).toMatch(c.message)
      expect(ingest.producer.messagesOf(ingest.topics.events).length).toBe(before)
    })
  }

  it('refuses a gzip bomb at the inflate limit, in bounded memory', async () => {
    // 512 gzip members of 1 MiB of zeros: about 0.5 MB on the wire, 512 MiB inflated.
    const member = gzipSync(Buffer.alloc(1024 * 1024))
    const bomb = Buffer.concat(Array.from({ length: 512 }, () => member))
    const before = process.memoryUsage().arrayBuffers
    const response = await ingest.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, ...json, 'content-encoding': 'gzip' },
      payload: bomb,
    })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toMatchObject({ error: 'inflated_body_too_large' })
    // Inflating stopped at 1 MiB: nowhere near the 512 MiB the bomb holds.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024)
  })

  it('keeps an unparsable body from a known sender on the dead-letter topic', async () => {
    const response = await ingest.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, ...json },
      payload: '[{"event_id":"kept",',
    })
    expect(response.statusCode).toBe(400)
    const letters = ingest.producer.messagesOf(ingest.topics.dlq).map((m) => JSON.parse(m.value.toString()))
    expect(letters).toContainEqual(
      expect.objectContaining({
        reason: 'unparsable_body',
        stage: 'ingest',
        source: 'partner-a',
        received_at: new Date(NOW).toISOString(),
        input: '[{"event_id":"kept",',
      }),
    )
  })

  it('accepts a gzip body', async () => {
    const before = ingest.producer.messagesOf(ingest.topics.events).length
    const response = await ingest.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, ...json, 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify([click('gz-1'), click('gz-2')])),
    })
    expect(response.statusCode).toBe(202)
    expect(response.json()).toEqual({ accepted: 2, rejected: [] })
    expect(ingest.producer.messagesOf(ingest.topics.events).length).toBe(before + 2)
  })
})

describe('ingest corpus: events refused one by one', () => {
  let ingest: TestIngest
  beforeAll(async () => {
    ingest = await startTestIngest()
  })
  afterAll(() => ingest.close())

  for (const c of EVENT_CASES) {
    it(`refuses ${c.name} at its index, keeps its neighbours, and dead-letters it`, async () => {
      const response = await ingest.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { ...auth, ...json },
        payload: JSON.stringify([click('before'), c.event, click('after')]),
      })
      expect(response.statusCode).toBe(202)
      const body = response.json() as {
        accepted: number
        rejected: Array<{ index: number; errors: Array<{ field: string; expected: string; got: string }> }>
      }
      expect(body.accepted).toBe(2)
      expect(body.rejected).toHaveLength(1)
      expect(body.rejected[0]?.index).toBe(1)
      expect(body.rejected[0]?.errors).toEqual([
        { field: c.field, expected: expect.stringMatching(c.expected), got: c.got },
      ])
      const letter = JSON.parse(
        ingest.producer.messagesOf(ingest.topics.dlq).at(-1)?.value.toString() ?? '{}',
      )
      const errors = body.rejected[0]?.errors ?? []
      expect(letter).toEqual({
        reason: c.deadLetter ?? 'invalid_event',
        stage: 'ingest',
        source: 'partner-a',
        received_at: new Date(NOW).toISOString(),
        index: 1,
        event_id: expect.toBeOneOf([null, expect.any(String)]),
        errors,
        detail: errors.map(describeFieldError).join('; '),
        topic: null,
        partition: null,
        offset: null,
        input: c.event,
      })
    })
  }

  it('refuses an NDJSON line that is not JSON at its index, and keeps the line as it came', async () => {
    const response = await ingest.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, 'content-type': 'application/x-ndjson; charset=utf-8' },
      payload: [JSON.stringify(click('l1')), '{"event_id": "l2", NaN}', JSON.stringify(click('l3'))].join(
        '\n',
      ),
    })
    expect(response.statusCode).toBe(202)
    const body = response.json() as { accepted: number; rejected: Array<{ index: number }> }
    expect(body.accepted).toBe(2)
    expect(body.rejected.map((r) => r.index)).toEqual([1])
    const letter = JSON.parse(ingest.producer.messagesOf(ingest.topics.dlq).at(-1)?.value.toString() ?? '{}')
    expect(letter).toMatchObject({
      reason: 'unparsable_line',
      index: 1,
      event_id: null,
      input: '{"event_id": "l2", NaN}',
    })
  })

  it('counts rejected events by reason', async () => {
    const metrics = await ingest.registry.metrics()
    expect(metrics).toMatch(/adpulse_ingest_events_rejected_total\{reason="too_late"\} [1-9]/)
    expect(metrics).toMatch(/adpulse_ingest_events_rejected_total\{reason="seconds_not_milliseconds"\} [1-9]/)
    // Dead letters by the reason their record carries: a late event is too_late in both.
    expect(metrics).toMatch(/adpulse_dead_letters_total\{stage="ingest",reason="too_late"\} [1-9]/)
    expect(metrics).toMatch(/adpulse_dead_letters_total\{stage="ingest",reason="invalid_event"\} [1-9]/)
    expect(metrics).toMatch(/adpulse_dead_letters_total\{stage="ingest",reason="unparsable_line"\} [1-9]/)
    expect(metrics).not.toMatch(
      /adpulse_dead_letters_total\{stage="ingest",reason="seconds_not_milliseconds"\}/,
    )
    expect(metrics).toMatch(/adpulse_ingest_requests_refused_total\{reason="[a-z_]+"\}|adpulse_ingest_events/)
  })
})
