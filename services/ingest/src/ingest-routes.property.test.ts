import { gzipSync } from 'node:zlib'
import { type AdEvent, createEventCodec, type ValidationContext, validateEvent } from '@adpulse/events'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOW, startTestIngest, TEST_KEY, type TestIngest } from '../test/support.ts'

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
    type: fc.constantFrom('impression', 'click', 'conversion'),
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
  .map((e) =>
    e.type === 'conversion' ? { ...e, action: 'purchase', value_micros: 1_000_000 } : (e as object),
  )

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
  })

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
