import { describe, expect, it } from 'vitest'
import { click, startTestIngest, TEST_KEY } from '../test/support.ts'
import { RateLimiter } from './rate-limiter.ts'

describe('RateLimiter', () => {
  const limit = { perSecond: 100, burst: 200 }

  it('lets a burst through, then refuses with the seconds until enough tokens drip in', () => {
    let now = 0
    const limiter = new RateLimiter(() => now)
    expect(limiter.take('a', 200, limit)).toEqual({ ok: true })
    expect(limiter.check('a', limit)).toEqual({ ok: false, retryAfterSeconds: 1 })
    expect(limiter.take('a', 150, limit)).toEqual({ ok: false, retryAfterSeconds: 2 })
    now = 1500
    expect(limiter.take('a', 150, limit)).toEqual({ ok: true })
  })

  it('keeps a bucket per source', () => {
    const limiter = new RateLimiter(() => 0)
    expect(limiter.take('a', 200, limit)).toEqual({ ok: true })
    expect(limiter.take('a', 1, limit).ok).toBe(false)
    expect(limiter.take('b', 200, limit)).toEqual({ ok: true })
  })

  it('gives back refunded events, up to the burst, and is off at rate 0', () => {
    const limiter = new RateLimiter(() => 0)
    limiter.take('a', 200, limit)
    limiter.refund('a', 500, limit)
    expect(limiter.take('a', 200, limit)).toEqual({ ok: true })
    expect(limiter.take('a', 1_000_000, { perSecond: 0, burst: 0 })).toEqual({ ok: true })
  })
})

describe('per-key rate limit on the route', () => {
  it('answers 429 with Retry-After to the key over its rate, and keeps serving another key', async () => {
    const ingest = await startTestIngest({
      ADPULSE_INGEST_KEYS: 'greedy:greedy-key-000000,polite:polite-key-000000',
      ADPULSE_INGEST_RATE_LIMIT: '10',
      ADPULSE_INGEST_RATE_BURST: '20',
      ADPULSE_INGEST_MAX_EVENTS: '20',
    })
    try {
      const post = (key: string, count: number) =>
        ingest.app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          payload: JSON.stringify(Array.from({ length: count }, (_, i) => click(`e-${i}`))),
        })
      expect((await post('greedy-key-000000', 20)).statusCode).toBe(202)
      const refused = await post('greedy-key-000000', 5)
      expect(refused.statusCode).toBe(429)
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(refused.json()).toMatchObject({ error: 'rate_limited' })
      const polite = await post('polite-key-000000', 20)
      expect(polite.statusCode).toBe(202)
      expect(polite.json()).toMatchObject({ accepted: 20 })
    } finally {
      await ingest.close()
    }
  })

  it('gives back the events of a request Kafka did not take (503), and takes none for a refused body', async () => {
    const ingest = await startTestIngest({
      ADPULSE_INGEST_RATE_LIMIT: '10',
      ADPULSE_INGEST_RATE_BURST: '20',
      ADPULSE_INGEST_MAX_EVENTS: '20',
    })
    try {
      const post = (payload: string) =>
        ingest.app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
          payload,
        })
      const full = JSON.stringify(Array.from({ length: 20 }, (_, i) => click(`f-${i}`)))
      ingest.producer.failWith = new Error('broker down')
      expect((await post(full)).statusCode).toBe(503)
      ingest.producer.failWith = null
      expect((await post('[{"event_id": "broken"')).statusCode).toBe(400)
      expect((await post(full)).statusCode).toBe(202)
      expect((await post(full)).statusCode).toBe(429)
    } finally {
      await ingest.close()
    }
  })
})
