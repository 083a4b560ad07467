import { afterEach, describe, expect, it } from 'vitest'
import { click, NOW, startTestIngest, TEST_KEY, type TestIngest } from '../test/support.ts'
import { ReplayGuard } from './replay-guard.ts'
import { SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER } from './signature.ts'

const SECONDS = Math.floor(NOW / 1000)

describe('HMAC request signatures', () => {
  let ingest: TestIngest
  afterEach(() => ingest?.close())

  const post = (body: string, headers: Record<string, string>) =>
    ingest.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers },
      payload: body,
    })
  const signed = (body: string, at = SECONDS, secret = TEST_KEY) => ({
    [TIMESTAMP_HEADER]: String(at),
    [SIGNATURE_HEADER]: `v1=${signRequest(secret, at, Buffer.from(body))}`,
  })
  const errorOf = async (response: Promise<{ statusCode: number; json(): unknown }>) => {
    const r = await response
    return [r.statusCode, (r.json() as { error?: string }).error ?? 'accepted']
  }

  it('accepts a valid signature once and refuses its replay', async () => {
    ingest = await startTestIngest()
    const body = JSON.stringify([click('s-1')])
    expect(await errorOf(post(body, signed(body)))).toEqual([202, 'accepted'])
    expect(await errorOf(post(body, signed(body)))).toEqual([401, 'replayed_request'])
    // Re-signed at another second, the same body is a new request.
    expect(await errorOf(post(body, signed(body, SECONDS - 1)))).toEqual([202, 'accepted'])
  })

  it('refuses a wrong signature, a changed body, and a timestamp outside the tolerance', async () => {
    ingest = await startTestIngest()
    const body = JSON.stringify([click('s-2')])
    expect(await errorOf(post(body, signed(body, SECONDS, 'another-secret')))).toEqual([401, 'bad_signature'])
    expect(await errorOf(post(`${body} `, signed(body)))).toEqual([401, 'bad_signature'])
    expect(await errorOf(post(body, { ...signed(body), [TIMESTAMP_HEADER]: 'soon' }))).toEqual([
      401,
      'bad_signature',
    ])
    expect(await errorOf(post(body, signed(body, SECONDS - 301)))).toEqual([401, 'signature_expired'])
    expect(await errorOf(post(body, signed(body, SECONDS + 301)))).toEqual([401, 'signature_expired'])
    expect(await errorOf(post(body, signed(body, SECONDS - 299)))).toEqual([202, 'accepted'])
  })

  it('accepts any of several signatures while a secret rotates', async () => {
    ingest = await startTestIngest()
    const body = JSON.stringify([click('s-3')])
    const good = signed(body)[SIGNATURE_HEADER]
    const header = `v1=${'0'.repeat(64)}, ${good}`
    expect(await errorOf(post(body, { ...signed(body), [SIGNATURE_HEADER]: header }))).toEqual([
      202,
      'accepted',
    ])
  })

  it('with signatures required refuses an unsigned request; with signatures off ignores them', async () => {
    ingest = await startTestIngest({ ADPULSE_INGEST_SIGNATURES: 'required' })
    const body = JSON.stringify([click('s-4')])
    expect(await errorOf(post(body, {}))).toEqual([401, 'signature_required'])
    expect(await errorOf(post(body, signed(body)))).toEqual([202, 'accepted'])
    await ingest.close()
    ingest = await startTestIngest({ ADPULSE_INGEST_SIGNATURES: 'off' })
    expect(await errorOf(post(body, { [SIGNATURE_HEADER]: 'v1=bad' }))).toEqual([202, 'accepted'])
  })

  it('lets a request refused for load be retried with the same signature', async () => {
    ingest = await startTestIngest()
    const body = JSON.stringify([click('s-5')])
    ingest.producer.failWith = new Error('broker down')
    expect(await errorOf(post(body, signed(body)))).toEqual([503, 'unavailable'])
    ingest.producer.failWith = null
    expect(await errorOf(post(body, signed(body)))).toEqual([202, 'accepted'])
  })

  it('lets a request refused at the rate be retried with the same signature: the retry meets the rate again', async () => {
    ingest = await startTestIngest({
      ADPULSE_INGEST_RATE_LIMIT: '10',
      ADPULSE_INGEST_RATE_BURST: '20',
      ADPULSE_INGEST_MAX_EVENTS: '20',
    })
    const drain = JSON.stringify(Array.from({ length: 15 }, (_, i) => click(`d-${i}`)))
    expect(await errorOf(post(drain, {}))).toEqual([202, 'accepted'])
    const body = JSON.stringify(Array.from({ length: 10 }, (_, i) => click(`s-6-${i}`)))
    expect(await errorOf(post(body, signed(body)))).toEqual([429, 'rate_limited'])
    expect(await errorOf(post(body, signed(body)))).toEqual([429, 'rate_limited'])
  })

  it('keeps the signature of a request refused for its content: its resend is a replay, dead-lettered once', async () => {
    ingest = await startTestIngest()
    const body = '[{"event_id": "s-7",'
    expect(await errorOf(post(body, signed(body)))).toEqual([400, 'unparsable_body'])
    expect(await errorOf(post(body, signed(body)))).toEqual([401, 'replayed_request'])
    expect(ingest.producer.messagesOf(ingest.topics.dlq)).toHaveLength(1)
  })
})

describe('ReplayGuard', () => {
  it('forgets signatures once their timestamp is out of the tolerance', () => {
    const guard = new ReplayGuard(1000)
    expect(guard.claim('a', 0, 0)).toBe(true)
    expect(guard.claim('a', 0, 500)).toBe(false)
    expect(guard.claim('a', 0, 1001)).toBe(true)
  })

  it('when full, forgets the oldest and raises the floor, so the forgotten one cannot come back', () => {
    const guard = new ReplayGuard(10_000, 2)
    expect(guard.claim('a', 100, 100)).toBe(true)
    expect(guard.claim('b', 200, 200)).toBe(true)
    expect(guard.claim('c', 300, 300)).toBe(true)
    expect(guard.floor).toBe(100)
    expect(guard.claim('a', 100, 400)).toBe(false)
    expect(guard.claim('d', 150, 400)).toBe(true)
  })
})
