/** How a ClickHouse write is retried while the partition waits (docs/exactly-once.md). */
export interface RetryPolicy {
  /** An attempt not answered by then counts as failed; the next one carries the same token. */
  attemptTimeoutMs: number
  /** First wait between attempts; doubles up to maxDelayMs. */
  initialDelayMs: number
  maxDelayMs: number
  /**
   * Wait between attempts refused for good (a full disk, a missing column): no
   * use hammering, but the cause may be fixed any time, and then the write
   * resumes. DEFAULT_PERMANENT_DELAY_MS when omitted.
   */
  permanentDelayMs?: number
}

export const DEFAULT_PERMANENT_DELAY_MS = 30_000

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attemptTimeoutMs: 30_000,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  permanentDelayMs: DEFAULT_PERMANENT_DELAY_MS,
}

/** An attempt that did not answer within attemptTimeoutMs. */
export class AttemptTimeoutError extends Error {
  readonly code = 'WRITE_TIMEOUT'
  readonly retriable = true
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`)
  }
}

/**
 * The retry loop gave up because the process is shutting down (or, a subclass
 * as the signal's reason, the partition may have moved); the batch stays uncommitted.
 */
export class RetryAbortedError extends Error {
  readonly code: string = 'SHUTTING_DOWN'
  readonly retriable = true
}

/** An error that says trying again cannot succeed (a fenced writer, partition-fence.ts): the loop ends at once. */
const stopsRetries = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { stopsRetries?: unknown }).stopsRetries === true

/**
 * Runs `attempt` until it resolves: each attempt bounded by a timeout, failures
 * followed by an exponential backoff. It gives up only when `signal` aborts
 * (shutdown, or a rebalance: no attempt starts once it aborted), or on an
 * error that `stopsRetries` (the partition was claimed by another processor,
 * which every later attempt would meet too). Holding the insert here is the pause: the partition's next
 * batch, already in hand, waits with its first insert and the consumer fetches nothing more, so memory stays two batches.
 * `attempt` must be idempotent (the same rows with the same insert token).
 * A failure `isRetriable` denies (permanent: only an operator can fix it) is
 * tried again only every permanentDelayMs, never given up: nothing is skipped.
 */
export async function retryUntilDone(
  attempt: () => Promise<void>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onFailure: (err: unknown, attempts: number, delayMs: number, retriable: boolean) => void,
  isRetriable: (err: unknown) => boolean = () => true,
): Promise<void> {
  let delay = policy.initialDelayMs
  for (let attempts = 1; ; attempts++) {
    if (signal.aborted) {
      throw signal.reason instanceof RetryAbortedError
        ? signal.reason
        : new RetryAbortedError('shutting down before the write succeeded')
    }
    let wait: number
    try {
      await withTimeout(attempt(), policy.attemptTimeoutMs)
      return
    } catch (err) {
      if (stopsRetries(err)) throw err
      const retriable = isRetriable(err)
      wait = retriable ? delay : (policy.permanentDelayMs ?? DEFAULT_PERMANENT_DELAY_MS)
      onFailure(err, attempts, wait, retriable)
      if (retriable) delay = Math.min(delay * 2, policy.maxDelayMs)
    }
    await abortableDelay(wait, signal)
  }
}

async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeoutError(timeoutMs)), timeoutMs)
  })
  // A late rejection of an abandoned attempt must not surface as unhandled.
  work.catch(() => undefined)
  try {
    await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
