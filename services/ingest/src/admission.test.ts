import { describe, expect, it } from 'vitest'
import { Admission, type AdmissionLimits, type AdmissionTicket } from './admission.ts'
import { createKeyLookup } from './api-keys.ts'
import type { KeyEntry } from './key-file.ts'
import { RateLimiter } from './rate-limiter.ts'
import { ReplayGuard } from './replay-guard.ts'
import { SIGNATURE_MESSAGES, type SignedRequest, signRequest } from './signature.ts'

const NOW_MS = Date.UTC(2026, 10, 22, 12, 0, 0)
const SECONDS = NOW_MS / 1000
const entry = (key: string, source: string, extra: Partial<KeyEntry> = {}): KeyEntry => ({
  key,
  source,
  secret: null,
  requireSignature: false,
  eventsPerSecond: null,
  ...extra,
})
const PARTNER = entry('partner-key-0000000', 'partner-a')
const SIGNER = entry('signer-key-00000000', 'signer', { requireSignature: true })
const SLOW = entry('slow-key-0000000000', 'slow', { eventsPerSecond: 5 })
const FAST = entry('fast-key-0000000000', 'fast', { eventsPerSecond: 50 })
const bearer = (key: KeyEntry) => `Bearer ${key.key}`

const LIMITS: AdmissionLimits = {
  rateLimitPerSecond: 10,
  rateBurst: 20,
  maxEventsPerRequest: 20,
  signatures: 'optional',
  signatureToleranceMs: 300_000,
}

/** An admission on a frozen rate clock: tokens never drip back in, so every refund shows. */
function admissionWith(limits: Partial<AdmissionLimits> = {}) {
  return new Admission({
    keys: { lookup: createKeyLookup([PARTNER, SIGNER, SLOW, FAST]) },
    limits: { ...LIMITS, ...limits },
    limiter: new RateLimiter(() => 0),
    replays: new ReplayGuard(LIMITS.signatureToleranceMs),
  })
}

const signed = (body: string, at = SECONDS, secret = PARTNER.key): SignedRequest => ({
  timestamp: String(at),
  signature: `v1=${signRequest(secret, at, Buffer.from(body))}`,
  body: Buffer.from(body),
})
const unsigned = (body: string): SignedRequest => ({
  timestamp: undefined,
  signature: undefined,
  body: Buffer.from(body),
})

function ticketOf(admission: Admission, key: KeyEntry = PARTNER): AdmissionTicket {
  const opened = admission.open(bearer(key))
  if (!opened.ok) throw new Error(`not admitted: ${opened.refusal.reason}`)
  return opened.ticket
}
/** A ticket whose signature is claimed and whose `events` tokens are taken. */
function heldTicket(admission: Admission, request: SignedRequest, events: number): AdmissionTicket {
  const ticket = ticketOf(admission)
  expect(ticket.verify(request, NOW_MS)).toEqual({ ok: true })
  expect(ticket.take(events)).toEqual({ ok: true })
  return ticket
}
const reasonOf = (result: { ok: true } | { ok: false; refusal: { reason: string } }) =>
  result.ok ? 'ok' : result.refusal.reason

describe('Admission.open (before the body is read)', () => {
  it('refuses an unknown, a malformed or a missing key with 401 unauthorized', () => {
    const admission = admissionWith()
    for (const authorization of ['Bearer not-a-known-key-000', PARTNER.key, undefined]) {
      expect(admission.open(authorization)).toEqual({
        ok: false,
        refusal: { status: 401, reason: 'unauthorized', message: 'send Authorization: Bearer <ingest key>' },
      })
    }
  })

  it('admits a known key with a ticket for its entry, holding nothing', () => {
    const admission = admissionWith()
    const ticket = ticketOf(admission)
    expect(ticket.key).toEqual(PARTNER)
    ticket.rollback()
    // Nothing was taken: the whole burst is still there.
    expect(reasonOf(ticketOf(admission).take(20))).toBe('ok')
  })

  it('refuses a key whose bucket is empty with 429 and Retry-After, and only that key', () => {
    const admission = admissionWith()
    heldTicket(admission, unsigned('[]'), 20).commit()
    expect(admission.open(bearer(PARTNER))).toEqual({
      ok: false,
      refusal: {
        status: 429,
        reason: 'rate_limited',
        message: 'over the event rate of this key',
        retryAfterSeconds: 1,
      },
    })
    expect(admission.open(bearer(SLOW)).ok).toBe(true)
  })

  it("uses a key's own rate, with a burst of twice it but never below a full request", () => {
    const admission = admissionWith()
    // 5/s: burst max(10, 20 events per request) = 20, and 19 missing tokens take 4 s to drip in (2 s at the default 10/s).
    expect(reasonOf(ticketOf(admission, SLOW).take(19))).toBe('ok')
    const refused = ticketOf(admission, SLOW).take(20)
    expect(refused.ok ? null : refused.refusal.retryAfterSeconds).toBe(4)
    // 50/s: burst 100, over the default burst of 20.
    expect(reasonOf(ticketOf(admission, FAST).take(99))).toBe('ok')
    expect(reasonOf(ticketOf(admission, FAST).take(2))).toBe('rate_limited')
  })
})

describe('AdmissionTicket refusals', () => {
  it('refuses a bad, expired or replayed signature with 401 and the message for it', () => {
    const admission = admissionWith()
    const body = '[{"event_id":"a"}]'
    const cases: Array<[SignedRequest, string]> = [
      [signed(body, SECONDS, 'another-secret'), 'bad_signature'],
      [{ ...signed(body), body: Buffer.from(`${body} `) }, 'bad_signature'],
      [{ ...signed(body), timestamp: 'soon' }, 'bad_signature'],
      [signed(body, SECONDS - 301), 'signature_expired'],
      [signed(body, SECONDS + 301), 'signature_expired'],
    ]
    for (const [request, reason] of cases) {
      expect(ticketOf(admission).verify(request, NOW_MS)).toEqual({
        ok: false,
        refusal: { status: 401, reason, message: SIGNATURE_MESSAGES[reason as 'bad_signature'] },
      })
    }
    heldTicket(admission, signed(body), 1).commit()
    expect(ticketOf(admission).verify(signed(body), NOW_MS)).toEqual({
      ok: false,
      refusal: { status: 401, reason: 'replayed_request', message: SIGNATURE_MESSAGES.replayed_request },
    })
  })

  it('refuses an unsigned request when the key or the mode requires a signature', () => {
    expect(reasonOf(ticketOf(admissionWith(), SIGNER).verify(unsigned('[]'), NOW_MS))).toBe(
      'signature_required',
    )
    const required = admissionWith({ signatures: 'required' })
    expect(reasonOf(ticketOf(required).verify(unsigned('[]'), NOW_MS))).toBe('signature_required')
    expect(reasonOf(ticketOf(admissionWith()).verify(unsigned('[]'), NOW_MS))).toBe('ok')
  })

  it('with signatures off admits any signature header and claims nothing', () => {
    const admission = admissionWith({ signatures: 'off' })
    const garbage = { ...unsigned('[]'), signature: 'v1=bad' }
    ticketOf(admission).verify(garbage, NOW_MS)
    expect(reasonOf(ticketOf(admission).verify(garbage, NOW_MS))).toBe('ok')
  })

  it('refuses more events than the bucket holds with 429 and Retry-After, taking none', () => {
    const admission = admissionWith()
    heldTicket(admission, unsigned('[]'), 15).commit()
    expect(ticketOf(admission).take(10)).toEqual({
      ok: false,
      refusal: {
        status: 429,
        reason: 'rate_limited',
        message: 'over the event rate of this key',
        retryAfterSeconds: 1,
      },
    })
    expect(reasonOf(ticketOf(admission).take(5))).toBe('ok')
  })
})

describe('AdmissionTicket commit and rollback', () => {
  const body = '[{"event_id":"c"}]'

  it('commit keeps the tokens spent and the signature claimed', () => {
    const admission = admissionWith()
    heldTicket(admission, signed(body), 19).commit()
    expect(reasonOf(ticketOf(admission).verify(signed(body), NOW_MS))).toBe('replayed_request')
    expect(reasonOf(ticketOf(admission).take(2))).toBe('rate_limited')
  })

  it('rollback refunds the tokens and releases the signature', () => {
    const admission = admissionWith()
    heldTicket(admission, signed(body), 20).rollback()
    // The same signed request, with all 20 tokens again.
    heldTicket(admission, signed(body), 20).commit()
  })

  it('rollback after commit is a no-op', () => {
    const admission = admissionWith()
    const ticket = heldTicket(admission, signed(body), 19)
    ticket.commit()
    ticket.rollback()
    expect(reasonOf(ticketOf(admission).verify(signed(body), NOW_MS))).toBe('replayed_request')
    expect(reasonOf(ticketOf(admission).take(2))).toBe('rate_limited')
  })

  it('a second rollback gives back nothing more, not even a signature claimed since', () => {
    const admission = admissionWith()
    heldTicket(admission, unsigned(body), 5).commit()
    const ticket = heldTicket(admission, signed(body), 10)
    ticket.rollback()
    // Back to 15 tokens; the same signature is claimed again by a newer request.
    const newer = ticketOf(admission)
    expect(reasonOf(newer.verify(signed(body), NOW_MS))).toBe('ok')
    ticket.rollback()
    expect(reasonOf(ticketOf(admission).take(16))).toBe('rate_limited')
    expect(reasonOf(ticketOf(admission).verify(signed(body), NOW_MS))).toBe('replayed_request')
  })

  it('rollback after a refused take releases the signature (a 429 is no replay)', () => {
    const admission = admissionWith()
    heldTicket(admission, unsigned('[]'), 15).commit()
    const ticket = ticketOf(admission)
    expect(reasonOf(ticket.verify(signed(body), NOW_MS))).toBe('ok')
    expect(reasonOf(ticket.take(10))).toBe('rate_limited')
    ticket.rollback()
    expect(reasonOf(ticketOf(admission).verify(signed(body), NOW_MS))).toBe('ok')
    // The refused take took nothing and the rollback refunded nothing: 5 tokens left.
    expect(reasonOf(ticketOf(admission).take(6))).toBe('rate_limited')
  })

  it('rollback of a ticket that holds nothing changes nothing', () => {
    const admission = admissionWith()
    heldTicket(admission, unsigned('[]'), 15).commit()
    ticketOf(admission).rollback()
    expect(reasonOf(ticketOf(admission).take(6))).toBe('rate_limited')
  })

  it('refuses to be used once ended', () => {
    const admission = admissionWith()
    const rolledBack = ticketOf(admission)
    rolledBack.rollback()
    expect(() => rolledBack.commit()).toThrow(/rolled back/)
    expect(() => rolledBack.take(1)).toThrow(/already rolled back/)
    const committed = ticketOf(admission)
    committed.commit()
    committed.commit()
    expect(() => committed.verify(unsigned('[]'), NOW_MS)).toThrow(/already committed/)
  })
})
