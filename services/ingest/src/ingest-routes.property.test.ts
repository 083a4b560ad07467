import { gzipSync } from 'node:zlib'
import { type AdEvent, createEventCodec, type ValidationContext, validateEvent } from '@adpulse/events'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ClientKind, hasCurl, postWith } from '../test/clients.ts'
import { click, NOW, startTestIngest, TEST_KEY, type TestIngest } from '../test/support.ts'
import { DRAIN_FACTOR } from './bounded-body.ts'
import { MAX_JSON_DEPTH } from './json-depth.ts'

/**
 * Random and mutated payloads thrown at the real handler (fastify inject):
 * nothing crashes (no 5xx, every answer is JSON), and nothing invalid reaches
 * Kafka: every record on the events topic decodes and validates again, and the
 * accepted count is exactly what an independent validation of the items says.
 */

const ctx: ValidationContext = {
  now: NOW,
  allowedLatenessMs: 7 * 86_400_000,
  maxClockSkewMs: 5 * 60_000,
  reportingCurrency: 'USD',
  source: 'partner-a',
}
const codec = createEventCodec()
const MEDIA_TYPES = ['application/json', 'application/x-ndjson'] as const

const money = fc.oneof(
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
)
const validEvent = fc
  .record({
    event_id: fc.string({ minLength: 1, maxLength: 128 }),
    type: fc.constantFrom('impression', 'click', 'conversion', 'engagement'),
    occurred_at: fc.oneof(
      fc.integer({ min: NOW - ctx.allowedLatenessMs, max: NOW + ctx.maxClockSkewMs }),
      fc
        .integer({ min: NOW - ctx.allowedLatenessMs, max: NOW + ctx.maxClockSkewMs })
        .map((ms) => new Date(ms).toISOString()),
    ),
    channel: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,63}$/),
    campaign_id: fc.string({ minLength: 1, maxLength: 128 }),
    cost_micros: fc.option(money, { nil: undefined }),
  })
  .map((e): object => {
    if (e.type === 'conversion') return { ...e, action: 'purchase', value_micros: 1_000_000 }
    return e.type === 'engagement' ? { ...e, action: 'video_view' } : e
  })

/** Any JSON value, plus the values that most often break validators. */
const nasty = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    -1,
    1.5,
    2 ** 53,
    2 ** 63,
    '',
    '-0',
    '1e6',
    ' 1',
    'NaN',
    'Infinity',
    '2026-11-22',
    '2026-11-22T12:00:00',
    1_795_348_800,
    null,
    true,
    [],
    {},
  ),
)
const FIELDS = [
  'event_id',
  'type',
  'occurred_at',
  'channel',
  'campaign_id',
  'ad_id',
  'click_id',
  'cost_micros',
  'value_micros',
  'action',
  'currency',
  'user_id',
  '__proto__',
]
/** A valid event with one field deleted or replaced by something nasty. */
const mutatedEvent = fc
  .tuple(validEvent, fc.constantFrom(...FIELDS), fc.option(nasty, { nil: undefined }))
  .map(([event, field, value]) => {
    const copy: Record<string, unknown> = { ...event }
    if (value === undefined) delete copy[field]
    else Object.defineProperty(copy, field, { value, enumerable: true, writable: true, configurable: true })
    return copy
  })
const item = fc.oneof({ weight: 3, arbitrary: validEvent }, { weight: 4, arbitrary: mutatedEvent }, nasty)

function bodyOf(items: unknown[], format: 'json' | 'ndjson'): string {
  return format === 'json' ? JSON.stringify(items) : items.map((i) => JSON.stringify(i)).join('\n')
}

/** Money as the contract's input (a digit string), so a decoded record can be validated again. */
function asInput(event: AdEvent): Record<string, unknown> {
  return {
    ...event,
    cost_micros: event.cost_micros === null ? null : event.cost_micros.toString(),
    value_micros: event.value_micros === null ? null : event.value_micros.toString(),
  }
}

describe('ingest handler under random input', () => {
  let ingest: TestIngest
  beforeAll(async () => {
    ingest = await startTestIngest({ ADPULSE_INGEST_RATE_LIMIT: '0', ADPULSE_INGEST_MAX_EVENTS: '50' })
  })
  afterAll(() => ingest.close())

  const post = (payload: string | Buffer, headers: Record<string, string>) =>
    ingest.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${TEST_KEY}`, ...headers },
      payload,
    })

  it('accepts exactly the valid items of a batch and sends only those, each valid again after decoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { maxLength: 20 }),
        fc.constantFrom('json', 'ndjson' as const),
        fc.boolean(),
        async (items, format, gzip) => {
          const sentBefore = ingest.producer.messagesOf(ingest.topics.events).length
          const text = bodyOf(items, format)
          const response = await post(gzip ? gzipSync(text) : text, {
            'content-type': format === 'json' ? 'application/json' : 'application/x-ndjson',
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          })
          expect(response.statusCode).toBe(202)
          // The oracle: validate each item as it travels (JSON round trip), independently of the handler.
          const expected = items.filter((i) => validateEvent(JSON.parse(JSON.stringify(i) ?? 'null'), ctx).ok)
          const body = response.json() as { accepted: number; rejected: Array<{ index: number }> }
          expect(body.accepted).toBe(expected.length)
          expect(body.accepted + body.rejected.length).toBe(items.length)

          const sent = ingest.producer.messagesOf(ingest.topics.events).slice(sentBefore)
          expect(sent).toHaveLength(expected.length)
          for (const message of sent) {
            const decoded = codec.decode(message.value)
            const again = validateEvent(asInput(decoded), ctx)
            expect(again.ok).toBe(true)
            if (again.ok) expect(again.event).toEqual(decoded)
            expect(message.key).toBe(decoded.campaign_id)
          }
        },
      ),
      { numRuns: 300 },
    )
  }, 60_000) // 300 runs take about 5 s on a busy 2-core machine: past vitest's default

  it('answers every random or mutated body with a 2xx or 4xx JSON answer, never a crash', async () => {
    const validBody = fc
      .tuple(fc.array(item, { maxLength: 10 }), fc.constantFrom('json', 'ndjson' as const))
      .map(([items, format]) => bodyOf(items, format))
    const mutatedBody = fc
      .tuple(validBody, fc.nat(), fc.string({ maxLength: 3 }), fc.constantFrom('cut', 'insert', 'replace'))
      .map(([body, at, text, how]) => {
        const i = at % (body.length + 1)
        if (how === 'cut') return body.slice(0, i)
        if (how === 'insert') return body.slice(0, i) + text + body.slice(i)
        return body.slice(0, i) + text + body.slice(i + text.length)
      })
    const payload = fc.oneof(
      validBody.map((b) => Buffer.from(b)),
      mutatedBody.map((b) => Buffer.from(b)),
      fc.string().map((b) => Buffer.from(b)),
      fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
      validBody.map((b) => gzipSync(b)),
      fc.tuple(validBody, fc.nat()).map(([b, n]) => {
        const gz = gzipSync(b)
        return gz.subarray(0, n % gz.length)
      }),
    )
    const contentType = fc.oneof(
      fc.constantFrom(...MEDIA_TYPES, 'application/json; charset=utf-8', 'text/plain', 'application/xml'),
      fc.string({ maxLength: 20 }).filter((s) => /^[\x21-\x7e]*$/.test(s)),
    )
    const encoding = fc.constantFrom(undefined, 'gzip', 'identity', 'br', 'x-gzip')

    await fc.assert(
      fc.asyncProperty(payload, contentType, encoding, async (body, type, contentEncoding) => {
        const sentBefore = ingest.producer.messagesOf(ingest.topics.events).length
        const response = await post(body, {
          ...(type === '' ? {} : { 'content-type': type }),
          ...(contentEncoding === undefined ? {} : { 'content-encoding': contentEncoding }),
        })
        expect([202, 400, 413, 415]).toContain(response.statusCode)
        const answer = response.json() as Record<string, unknown>
        if (response.statusCode === 202) {
          expect(answer).toEqual({ accepted: expect.any(Number), rejected: expect.any(Array) })
        } else {
          expect(answer).toEqual({ error: expect.any(String), message: expect.any(String) })
        }
        const sent = ingest.producer.messagesOf(ingest.topics.events).slice(sentBefore)
        expect(sent.length).toBe(response.statusCode === 202 ? answer.accepted : 0)
        for (const message of sent)
          expect(validateEvent(asInput(codec.decode(message.value)), ctx).ok).toBe(true)
      }),
      { numRuns: 400 },
    )
    // Every dead letter is JSON with its reason.
    for (const letter of ingest.producer.messagesOf(ingest.topics.dlq)) {
      expect(JSON.parse(letter.value.toString())).toMatchObject({
        stage: 'ingest',
        reason: expect.any(String),
      })
    }
  })
})

describe('ingest handler under hostile input', () => {
  const auth = { authorization: `Bearer ${TEST_KEY}` }
  const nested = (kind: 'arrays' | 'objects', depth: number) =>
    kind === 'arrays'
      ? '['.repeat(depth) + ']'.repeat(depth)
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
  /** A valid click whose user_id is the nested value (JSON text). */
  const clickWith = (value: string) => JSON.stringify(click('deep', { user_id: 'X' })).replace('"X"', value)

  let ingest: TestIngest
  let base = ''
  beforeAll(async () => {
    ingest = await startTestIngest({
      ADPULSE_INGEST_RATE_LIMIT: '0',
      ADPULSE_INGEST_MAX_BODY_BYTES: String(1024 * 1024),
    })
    base = await ingest.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(() => ingest.close())

  const expectHealthy = async () => {
    const ok = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify([click(`after-${Date.now()}`)]),
    })
    expect(ok.status).toBe(202)
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
  }

  it('refuses exactly the JSON nested deeper than the bound, wherever it sits, and never crashes', async () => {
    const depth = fc.oneof(
      fc.integer({ min: 1, max: 2 * MAX_JSON_DEPTH }),
      fc.integer({ min: 10_000, max: 150_000 }),
    )
    const placement = fc.constantFrom('body', 'field', 'line', 'field-on-a-line')
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('arrays', 'objects' as const),
        depth,
        placement,
        async (kind, d, where) => {
          const value = nested(kind, d)
          const onALine = where === 'line' || where === 'field-on-a-line'
          const item = where === 'body' || where === 'line' ? value : clickWith(value)
          const payload = onALine
            ? `${JSON.stringify(click('ok'))}\n${item}\n`
            : where === 'body'
              ? item
              : `[${item}]`
          // Levels around the value: the array of a JSON body, the event holding the field.
          const total = d + (where === 'field' ? 2 : where === 'field-on-a-line' ? 1 : 0)
          const response = await ingest.app.inject({
            method: 'POST',
            url: '/v1/events',
            headers: { ...auth, 'content-type': onALine ? 'application/x-ndjson' : 'application/json' },
            payload,
          })
          const tooDeep = /nested deeper than 64 levels/
          if (onALine) {
            expect(response.statusCode).toBe(202)
            const body = response.json() as {
              accepted: number
              rejected: Array<{ index: number; errors: Array<{ got: string }> }>
            }
            expect(body.accepted).toBe(1)
            expect(body.rejected.map((r) => r.index)).toEqual([1])
            expect(tooDeep.test(body.rejected[0]?.errors[0]?.got ?? '')).toBe(total > MAX_JSON_DEPTH)
          } else if (total > MAX_JSON_DEPTH) {
            expect(response.statusCode).toBe(400)
            expect(response.json()).toEqual({
              error: 'unparsable_body',
              message: expect.stringMatching(tooDeep),
            })
          } else {
            expect([202, 400]).toContain(response.statusCode)
            expect(response.body).not.toMatch(tooDeep)
          }
        },
      ),
      { numRuns: 80 },
    )
    await expectHealthy()
  }, 60_000)

  it('answers any body over the limit with 413 to any client, sent with Content-Length or chunked, and stays healthy', async () => {
    const limit = 1024 * 1024
    const clients: ClientKind[] = [
      'fetch',
      'send-then-read',
      ...((await hasCurl()) ? (['curl'] as const) : []),
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: limit + 1, max: DRAIN_FACTOR * limit }),
        fc.constantFrom(...clients),
        fc.boolean(),
        fc.constantFrom(...MEDIA_TYPES),
        async (size, kind, chunked, type) => {
          const answer = await postWith(kind, {
            url: `${base}/v1/events`,
            headers: { ...auth, 'content-type': type },
            body: Buffer.alloc(size, 0x20),
            chunked,
          })
          expect(answer).toEqual({ status: 413, body: expect.any(String) })
          if ('body' in answer) {
            expect(JSON.parse(answer.body)).toEqual({ error: 'body_too_large', message: expect.any(String) })
          }
          await expectHealthy()
        },
      ),
      { numRuns: 15 },
    )
  }, 120_000)
})
