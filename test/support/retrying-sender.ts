/**
 * A client as the README asks one to be: it posts batches of events to
 * /v1/events, a few requests in flight, and sends each batch again until it is
 * answered 202. A request whose answer is lost (the process died under it) is
 * sent again too, so its events may reach Kafka twice: repeats, which the
 * pipeline counts once.
 */
export interface SenderOptions {
  url: string
  apiKey: string
  batches: unknown[][]
  /** Requests in flight at once. */
  concurrency: number
  /** Wait before sending a refused or unanswered batch again (a 429/503 Retry-After is capped to it too). */
  retryDelayMs: number
}

export interface SenderStats {
  requests: number
  /** Batches answered 202. */
  accepted: number
  /** Connection refused: nothing reached the process (it was down). */
  refusedConnections: number
  /** The connection broke after the request was sent: the answer is lost, the events may be in Kafka. */
  lostAnswers: number
  /** Answers other than 202, by status (503 while Kafka does not acknowledge, 429, ...). */
  statuses: Record<number, number>
}

export interface AcceptedBatch {
  index: number
  /** Indexes within the batch ingest rejected (kept on the dead-letter topic, never counted). */
  rejected: number[]
}

export interface RetryingSender {
  stats: SenderStats
  /** Requests sent and not answered yet. */
  inFlight(): number
  /** Events of the batches answered 202 so far. */
  acceptedEvents(): number
  /** Resolves with every batch's 202 answer, in batch order, once all are answered. */
  done: Promise<AcceptedBatch[]>
}

export function startRetryingSender(options: SenderOptions): RetryingSender {
  const stats: SenderStats = { requests: 0, accepted: 0, refusedConnections: 0, lostAnswers: 0, statuses: {} }
  const answers: AcceptedBatch[] = []
  let inFlight = 0
  let acceptedEvents = 0
  let next = 0

  const sendUntilAccepted = async (index: number): Promise<void> => {
    const batch = options.batches[index] ?? []
    const body = JSON.stringify(batch)
    for (;;) {
      stats.requests++
      inFlight++
      let wait = options.retryDelayMs
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(60_000),
        })
        if (response.status === 202) {
          const answer = (await response.json()) as { rejected: Array<{ index: number }> }
          answers[index] = { index, rejected: answer.rejected.map((r) => r.index) }
          stats.accepted++
          acceptedEvents += batch.length
          return
        }
        await response.body?.cancel()
        stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1
        const retryAfter = Number(response.headers.get('retry-after'))
        if (retryAfter > 0) wait = Math.min(wait, retryAfter * 1000)
      } catch (err) {
        if (connectionRefused(err)) stats.refusedConnections++
        else stats.lostAnswers++
      } finally {
        inFlight--
      }
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }

  const worker = async () => {
    while (next < options.batches.length) await sendUntilAccepted(next++)
  }
  const done = Promise.all(Array.from({ length: options.concurrency }, worker)).then(() => answers)
  return { stats, inFlight: () => inFlight, acceptedEvents: () => acceptedEvents, done }
}

function connectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } } | undefined)?.cause
  return cause?.code === 'ECONNREFUSED'
}
