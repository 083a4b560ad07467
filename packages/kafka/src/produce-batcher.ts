import { KafkaAdapterError } from './errors.ts'
import type { OutgoingMessage, Producer, TopicMessages } from './producer.ts'

export interface ProduceBatcherOptions {
  /** How long the first queued submission waits for others before a produce call; 0 = the next turn of the event loop. */
  lingerMs: number
  /** Most bytes (keys and values, uncompressed) in one produce call; a larger submission is split. */
  maxBatchBytes: number
  /** Most bytes queued or in a produce call; a submission beyond it fails at once with BUFFER_FULL. */
  maxBufferedBytes: number
  /** Called after every produce call, for metrics. */
  onSend?: (sent: { messages: number; bytes: number; seconds: number; ok: boolean }) => void
}

interface Submission {
  records: TopicMessages[]
  bytes: number
  settled: boolean
  timer: NodeJS.Timeout
  resolve(): void
  reject(err: Error): void
}

/**
 * Coalesces the records of concurrent requests into few produce calls (group
 * commit): while one call is in flight, new submissions queue; when it
 * returns, everything queued goes out in the next call. Each submission
 * resolves only when all of its records are acknowledged, and fails if any of
 * them is not: it never half-succeeds silently.
 *
 * Memory is bounded by maxBufferedBytes; a submission that waits longer than
 * its timeout fails with PRODUCE_TIMEOUT (and, if still queued, is never sent).
 */
export class ProduceBatcher {
  private readonly queue: Submission[] = []
  private buffered = 0
  private sending = false
  private lingering: NodeJS.Timeout | NodeJS.Immediate | undefined
  private idleWaiters: Array<() => void> = []

  constructor(
    private readonly producer: Producer,
    private readonly options: ProduceBatcherOptions,
  ) {}

  /** Bytes queued or in a produce call right now. */
  get bufferedBytes(): number {
    return this.buffered
  }

  /** Resolves when every record is acknowledged; rejects with a KafkaAdapterError otherwise. */
  submit(records: TopicMessages[], timeoutMs: number): Promise<void> {
    const bytes = records.reduce((sum, part) => sum + part.messages.reduce((n, m) => n + sizeOf(m), 0), 0)
    if (bytes === 0) return Promise.resolve()
    // One submission larger than the whole buffer still passes alone, or it could never be sent.
    if (this.buffered > 0 && this.buffered + bytes > this.options.maxBufferedBytes) {
      return Promise.reject(
        new KafkaAdapterError(
          'BUFFER_FULL',
          `produce buffer full (${this.buffered} bytes waiting for Kafka)`,
          true,
        ),
      )
    }
    return new Promise<void>((resolve, reject) => {
      const submission: Submission = {
        records,
        bytes,
        settled: false,
        timer: setTimeout(() => this.expire(submission), timeoutMs),
        resolve,
        reject,
      }
      this.queue.push(submission)
      this.buffered += bytes
      this.schedule()
    })
  }

  /** Waits until every queued submission has been sent (or has failed). */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && !this.sending) return
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
  }

  private schedule(): void {
    if (this.sending || this.lingering !== undefined || this.queue.length === 0) return
    const queuedBytes = this.queue.reduce((n, s) => n + s.bytes, 0)
    const flush = () => {
      this.lingering = undefined
      void this.flush()
    }
    this.lingering =
      queuedBytes >= this.options.maxBatchBytes || this.options.lingerMs <= 0
        ? setImmediate(flush)
        : setTimeout(flush, this.options.lingerMs)
  }

  private expire(submission: Submission): void {
    if (submission.settled) return
    const queued = this.queue.indexOf(submission)
    if (queued >= 0) {
      this.queue.splice(queued, 1)
      this.buffered -= submission.bytes
    }
    settle(
      submission,
      new KafkaAdapterError(
        'PRODUCE_TIMEOUT',
        queued >= 0
          ? 'not sent to Kafka before the deadline'
          : 'no acknowledgement from Kafka before the deadline',
        true,
      ),
    )
  }

  private async flush(): Promise<void> {
    const taken = this.take()
    if (taken.length === 0) return this.afterFlush()
    this.sending = true
    const chunks = chunk(taken, this.options.maxBatchBytes)
    let failure: Error | undefined
    for (const [index, { batch, messages, bytes }] of chunks.entries()) {
      const started = process.hrtime.bigint()
      try {
        await this.producer.sendBatch(batch)
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err))
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      this.options.onSend?.({ messages, bytes, seconds, ok: failure === undefined })
      if (failure) break
      for (const done of taken) if (done.lastChunk === index) settle(done.submission)
    }
    if (failure) for (const { submission } of taken) settle(submission, failure)
    this.buffered -= taken.reduce((n, t) => n + t.submission.bytes, 0)
    this.sending = false
    this.afterFlush()
  }

  /** Queued submissions up to maxBatchBytes (at least one). */
  private take(): Array<{ submission: Submission; lastChunk: number }> {
    const taken: Array<{ submission: Submission; lastChunk: number }> = []
    let bytes = 0
    while (this.queue.length > 0) {
      const next = this.queue[0] as Submission
      if (taken.length > 0 && bytes + next.bytes > this.options.maxBatchBytes) break
      this.queue.shift()
      taken.push({ submission: next, lastChunk: 0 })
      bytes += next.bytes
    }
    return taken
  }

  private afterFlush(): void {
    this.schedule()
    if (this.queue.length === 0 && !this.sending) {
      for (const wake of this.idleWaiters.splice(0)) wake()
    }
  }
}

function settle(submission: Submission, err?: Error): void {
  if (submission.settled) return
  submission.settled = true
  clearTimeout(submission.timer)
  if (err) submission.reject(err)
  else submission.resolve()
}

const sizeOf = (m: OutgoingMessage) => m.value.length + Buffer.byteLength(m.key)

interface Chunk {
  batch: TopicMessages[]
  messages: number
  bytes: number
}

/**
 * Cuts the taken submissions into produce calls of at most maxBytes (a single
 * message larger than that goes alone), merging messages per topic in order,
 * and records in which call each submission's last message goes.
 */
function chunk(taken: Array<{ submission: Submission; lastChunk: number }>, maxBytes: number): Chunk[] {
  const chunks: Chunk[] = []
  let topics = new Map<string, OutgoingMessage[]>()
  let messages = 0
  let bytes = 0
  const close = () => {
    chunks.push({ batch: [...topics].map(([topic, m]) => ({ topic, messages: m })), messages, bytes })
    topics = new Map()
    messages = 0
    bytes = 0
  }
  for (const item of taken) {
    for (const part of item.submission.records) {
      for (const message of part.messages) {
        const size = sizeOf(message)
        if (messages > 0 && bytes + size > maxBytes) close()
        const list = topics.get(part.topic) ?? []
        list.push(message)
        topics.set(part.topic, list)
        messages++
        bytes += size
      }
    }
    item.lastChunk = chunks.length
  }
  if (messages > 0) close()
  return chunks
}
