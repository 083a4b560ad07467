import type { IngestConfig } from '@adpulse/config'
import type { RefusalReason } from './ingest-metrics.ts'
import type { KeyEntry } from './key-file.ts'
import { type RateLimit, RateLimiter } from './rate-limiter.ts'
import { ReplayGuard } from './replay-guard.ts'
import { SIGNATURE_MESSAGES, type SignedRequest, verifySignature } from './signature.ts'

/** A whole request refused: its status, its reason (the metric label) and what the sender reads. */
export interface Refusal {
  status: number
  reason: RefusalReason
  message: string
  /** Sent as Retry-After when set. */
  retryAfterSeconds?: number
}

/** A step that may refuse the whole request: its result, or the refusal to answer. */
export type Refusable<T = unknown> = ({ ok: true } & T) | Refused

export interface Refused {
  ok: false
  refusal: Refusal
}

export type AdmissionLimits = Pick<
  IngestConfig,
  'rateLimitPerSecond' | 'rateBurst' | 'maxEventsPerRequest' | 'signatures' | 'signatureToleranceMs'
>

export interface AdmissionOptions {
  /** The keys in force (a KeyStore). */
  keys: { lookup(authorization: string | undefined): KeyEntry | null }
  limits: AdmissionLimits
  /** Injected by tests; default a limiter on performance.now(). */
  limiter?: RateLimiter
  /** Injected by tests; default a guard remembering signatures for the signature tolerance. */
  replays?: ReplayGuard
}

const RATE_LIMITED_MESSAGE = 'over the event rate of this key'

export const refused = (
  status: number,
  reason: RefusalReason,
  message: string,
  retryAfterSeconds?: number,
): Refused => ({
  ok: false,
  refusal:
    retryAfterSeconds === undefined
      ? { status, reason, message }
      : { status, reason, message, retryAfterSeconds },
})

/**
 * Who may send what, in one place: the key (401), its event rate (429 +
 * Retry-After) and the request's signature (401), claimed against replays.
 * open() admits a request before its body is read and returns its ticket; the
 * ticket claims the signature and takes the rate tokens as the request gets
 * that far, and gives both back on rollback().
 */
export class Admission {
  private readonly limiter: RateLimiter
  private readonly replays: ReplayGuard

  constructor(private readonly options: AdmissionOptions) {
    this.limiter = options.limiter ?? new RateLimiter()
    this.replays = options.replays ?? new ReplayGuard(options.limits.signatureToleranceMs)
  }

  /**
   * Before the body is read: the key, and a token left in its bucket, so a
   * sender over its rate costs almost nothing. The ticket holds nothing yet.
   */
  open(authorization: string | undefined): Refusable<{ ticket: AdmissionTicket }> {
    const key = this.options.keys.lookup(authorization)
    if (key === null) return refused(401, 'unauthorized', 'send Authorization: Bearer <ingest key>')
    const limit = this.limitOf(key)
    const decision = this.limiter.check(key.source, limit)
    if (!decision.ok) return refused(429, 'rate_limited', RATE_LIMITED_MESSAGE, decision.retryAfterSeconds)
    return {
      ok: true,
      ticket: new AdmissionTicket(key, limit, this.limiter, this.replays, this.options.limits),
    }
  }

  /** A key's own events per second, with a burst that always lets a full request through; else the default. */
  private limitOf(key: KeyEntry): RateLimit {
    const limits = this.options.limits
    return key.eventsPerSecond === null
      ? { perSecond: limits.rateLimitPerSecond, burst: limits.rateBurst }
      : {
          perSecond: key.eventsPerSecond,
          burst: Math.max(2 * key.eventsPerSecond, limits.maxEventsPerRequest),
        }
  }
}

type TicketState = 'open' | 'committed' | 'rolled back'

/**
 * The admission of one request, ended exactly once: commit() when the request
 * was taken, rollback() when it was not. Run the request in
 * `try { ... } finally { ticket.rollback() }`: rollback after commit is a
 * no-op, so no refusal or failure can forget to give back what was held.
 */
export class AdmissionTicket {
  private state: TicketState = 'open'
  private claimed: string | null = null
  private takenEvents = 0

  constructor(
    readonly key: KeyEntry,
    private readonly limit: RateLimit,
    private readonly limiter: RateLimiter,
    private readonly replays: ReplayGuard,
    private readonly limits: AdmissionLimits,
  ) {}

  /** Checks the signature as the mode and the key ask, and claims it: a resend is refused as a replay. */
  verify(request: SignedRequest, nowMs: number): Refusable {
    this.assertOpen('verify')
    if (this.claimed !== null) throw new Error('cannot verify: a signature is already claimed')
    const check = verifySignature(
      { key: this.key, ...request, nowMs },
      this.limits.signatures,
      this.limits.signatureToleranceMs,
      this.replays,
    )
    if (!check.ok) return refused(401, check.error, SIGNATURE_MESSAGES[check.error])
    this.claimed = check.claimed
    return { ok: true }
  }

  /** Takes `events` tokens from the key's bucket, or none and 429 with Retry-After. */
  take(events: number): Refusable {
    this.assertOpen('take')
    const taken = this.limiter.take(this.key.source, events, this.limit)
    if (!taken.ok) return refused(429, 'rate_limited', RATE_LIMITED_MESSAGE, taken.retryAfterSeconds)
    this.takenEvents += events
    return { ok: true }
  }

  /**
   * The request was taken: accepted by Kafka, or refused for what it holds (a
   * resend would be refused alike). Its tokens stay spent, its signature claimed.
   */
  commit(): void {
    if (this.state === 'rolled back') throw new Error('a rolled back admission cannot be committed')
    this.state = 'committed'
  }

  /**
   * The request was not taken (refused for load, failed): its tokens come back
   * and its signed retry is no replay. A no-op once committed or rolled back.
   */
  rollback(): void {
    if (this.state !== 'open') return
    this.state = 'rolled back'
    if (this.takenEvents > 0) this.limiter.refund(this.key.source, this.takenEvents, this.limit)
    if (this.claimed !== null) this.replays.release(this.claimed)
  }

  private assertOpen(step: string): void {
    if (this.state !== 'open') throw new Error(`cannot ${step}: the admission is already ${this.state}`)
  }
}
