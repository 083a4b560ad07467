/** Events per second and burst of one source. */
export interface RateLimit {
  perSecond: number
  burst: number
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number }

interface Bucket {
  tokens: number
  updatedAt: number
}

/**
 * A token bucket of events per source: each source has its own, so one sender
 * over its limit gets 429 while the others go on untouched. `now` is in
 * milliseconds (injected for tests). The buckets are this process's: each
 * ingest instance grants the whole limit (docs/scaling.md, "Ingest").
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Cheap check before a body is read: refuses a source whose bucket is empty. */
  check(source: string, limit: RateLimit): RateDecision {
    if (limit.perSecond <= 0) return { ok: true }
    const bucket = this.refill(source, limit)
    return bucket.tokens >= 1
      ? { ok: true }
      : { ok: false, retryAfterSeconds: wait(1 - bucket.tokens, limit) }
  }

  /** Takes `count` events from a source's bucket, or refuses them all (nothing is taken then). */
  take(source: string, count: number, limit: RateLimit): RateDecision {
    if (limit.perSecond <= 0 || count === 0) return { ok: true }
    const bucket = this.refill(source, limit)
    if (bucket.tokens >= count) {
      bucket.tokens -= count
      return { ok: true }
    }
    return { ok: false, retryAfterSeconds: wait(Math.min(count, limit.burst) - bucket.tokens, limit) }
  }

  /** Gives back events that were taken but not accepted (the pipeline refused them with 503). */
  refund(source: string, count: number, limit: RateLimit): void {
    if (limit.perSecond <= 0) return
    const bucket = this.refill(source, limit)
    bucket.tokens = Math.min(limit.burst, bucket.tokens + count)
  }

  private refill(source: string, limit: RateLimit): Bucket {
    const now = this.now()
    let bucket = this.buckets.get(source)
    if (!bucket) {
      bucket = { tokens: limit.burst, updatedAt: now }
      this.buckets.set(source, bucket)
    }
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000
    bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsedSeconds * limit.perSecond)
    bucket.updatedAt = now
    return bucket
  }
}

/** Whole seconds until `missing` tokens have dripped in, at least 1 (Retry-After takes seconds). */
const wait = (missing: number, limit: RateLimit) => Math.max(1, Math.ceil(missing / limit.perSecond))
