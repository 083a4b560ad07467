import { gzipSync } from 'node:zlib'
import { type DeadLetterReason, describeFieldError } from '@adpulse/events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Answer, type ClientKind, hasCurl, postWith } from '../test/clients.ts'
import { click, NOW, startTestIngest, TEST_KEY, type TestIngest } from '../test/support.ts'
import { MAX_KEPT_BODY_BYTES } from './dead-letter.ts'

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
/** 100,000 levels: JSON.parse builds it, JSON.stringify (the dead-letter writer) overflows the stack on it. */
const DEEP = 100_000
const deepArrays = '['.repeat(DEEP) + ']'.repeat(DEEP)
const deepObjects = `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`

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
    name: '100,000 nested arrays',
    headers: { ...auth, ...json },
    body: deepArrays,
    status: 400,
    error: 'unparsable_body',
    message: /nested deeper than 64 levels/,
  },
  {
    name: 'an array holding 100,000 nested objects',
    headers: { ...auth, ...json },
    body: `[${deepObjects}]`,
    status: 400,
    error: 'unparsable_body',
    message: /nested deeper than 64 levels/,
  },
  {
    name: 'a valid event with 100,000 nested arrays as a field',
    headers: { ...auth, ...json },
    body: `[${JSON.stringify(click('deep', { user_id: 'X' })).replace('"X"', deepArrays)}]`,
    status: 400,
    error: 'unparsable_body',
    message: /nested deeper than 64 levels/,
  },
  {
    name: 'a gzip body of 100,000 nested arrays',
    headers: { ...auth, ...json, 'content-encoding': 'gzip' },
    body: gzipSync(deepArrays),
    status: 400,
    error: 'unparsable_body',
    message: /nested deeper than 64 levels/,
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
  {
    name: 'an engagement without action',
    event: click('g', { type: 'engagement', channel: 'social' }),
    field: 'action',
    expected: /^a lowercase slug of 1-64 characters/,
    got: 'nothing',
  },
  {
    name: 'an engagement whose action is not a slug',
    event: click('gs', { type: 'engagement', action: 'Video View' }),
    field: 'action',
    expected: /^a lowercase slug of 1-64 characters/,
    got: '"Video View"',
  },
  {
    name: 'an engagement with a value',
    event: click('gv', { type: 'engagement', action: 'like', value_micros: 5 }),
    field: 'value_micros',
    expected: /only conversions carry revenue/,
    got: '5',
  },
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

  it('refuses an NDJSON line of 100,000 nested arrays or objects at its index, keeps its neighbours, and dead-letters it', async () => {
    const field = JSON.stringify(click('l4', { user_id: 'X' })).replace('"X"', deepObjects)
    const response = await ingest.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: [
        JSON.stringify(click('l1')),
        deepArrays,
        deepObjects,
        field,
        JSON.stringify(click('l5')),
      ].join('\n'),
    })
    expect(response.statusCode).toBe(202)
    const body = response.json() as {
      accepted: number
      rejected: Array<{ index: number; errors: Array<{ got: string }> }>
    }
    expect(body.accepted).toBe(2)
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 3])
    for (const r of body.rejected) expect(r.errors[0]?.got).toMatch(/nested deeper than 64 levels/)
    const letter = JSON.parse(ingest.producer.messagesOf(ingest.topics.dlq).at(-1)?.value.toString() ?? '{}')
    // Kept cut like a whole body (MAX_KEPT_BODY_BYTES), with its length, so the dead letter fits a Kafka record.
    expect(letter).toMatchObject({
      index: 3,
      event_id: null,
      input: field.slice(0, MAX_KEPT_BODY_BYTES),
      input_chars: field.length,
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

describe('ingest corpus: hostile bodies from real clients on a real socket', () => {
  const MiB = 1024 * 1024
  /** Tens of MiB through loopback on a busy machine. */
  const SLOW = 60_000
  let ingest: TestIngest
  let base = ''
  const clients: ClientKind[] = ['fetch', 'send-then-read']
  beforeAll(async () => {
    if (await hasCurl()) clients.push('curl')
    ingest = await startTestIngest({ ADPULSE_INGEST_RATE_LIMIT: '0' })
    base = await ingest.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(() => ingest.close())

  const post = (kind: ClientKind, body: Buffer, chunked: boolean, type = 'application/json') =>
    postWith(kind, { url: `${base}/v1/events`, headers: { ...auth, 'content-type': type }, body, chunked })

  /** The service answers as before: a valid batch is taken, /healthz answers. */
  const expectHealthy = async () => {
    const ok = await post('fetch', Buffer.from(JSON.stringify([click(`after-${Date.now()}`)])), false)
    expect(ok).toMatchObject({ status: 202 })
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
  }
  const expectRefusal = (answer: Answer, status: number, error: string, message?: RegExp) => {
    expect(answer).toEqual({ status, body: expect.any(String) })
    if ('body' in answer) {
      expect(JSON.parse(answer.body)).toEqual({ error, message: expect.stringMatching(message ?? /./) })
    }
  }

  for (const chunked of [false, true]) {
    const how = chunked ? 'chunked' : 'with Content-Length'
    it(
      `answers a 20 MiB body sent ${how} with 413 body_too_large to every client, and stays healthy`,
      async () => {
        const body = Buffer.alloc(20 * MiB, 0x20)
        for (const kind of clients) {
          const answer = await post(kind, body, chunked)
          expectRefusal(answer, 413, 'body_too_large', /over 5242880 bytes/)
          await expectHealthy()
        }
      },
      SLOW,
    )

    it(
      `answers a 20 MiB body of a wrong Content-Type sent ${how} with 415 to every client`,
      async () => {
        const body = Buffer.alloc(20 * MiB, 0x20)
        for (const kind of clients) {
          expectRefusal(await post(kind, body, chunked, 'text/plain'), 415, 'unsupported_media_type')
          await expectHealthy()
        }
      },
      SLOW,
    )
  }

  it(
    'answers deeply nested JSON with 400 (or the NDJSON line rejected) over the wire, and stays healthy',
    async () => {
      for (const body of [deepArrays, `[${deepObjects}]`]) {
        const answer = await post('fetch', Buffer.from(body), false)
        expectRefusal(answer, 400, 'unparsable_body', /nested deeper than 64 levels/)
        await expectHealthy()
      }
      const lines = `${JSON.stringify(click('n1'))}\n${deepArrays}\n`
      const answer = await post('send-then-read', Buffer.from(lines), true, 'application/x-ndjson')
      expect(answer).toEqual({ status: 202, body: expect.any(String) })
      if ('body' in answer)
        expect(JSON.parse(answer.body)).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] })
      await expectHealthy()
    },
    SLOW,
  )

  it(
    'cuts off a body beyond 8 times the limit without reading it all: a 413 or a closed connection, never a hang',
    async () => {
      const body = Buffer.alloc(8 * 5 * MiB + 1, 0x20)
      for (const kind of clients) {
        for (const chunked of [false, true]) {
          const answer = await post(kind, body, chunked)
          if ('status' in answer) expectRefusal(answer, 413, 'body_too_large')
          await expectHealthy()
        }
      }
    },
    SLOW,
  )
})
