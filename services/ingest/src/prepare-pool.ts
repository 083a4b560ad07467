import { Worker } from 'node:worker_threads'
import { type AdEvent, type CodecSchemas, createEventCodec, type FramedCodec } from '@adpulse/events'
import type { Logger } from '@adpulse/observability'
import {
  type PreparedRequest,
  type PrepareSettings,
  prepareRequest,
  type RequestBody,
} from './prepare-request.ts'
import { fromWire, type WireBody, type WireReply } from './prepare-wire.ts'
import type { PrepareWorkerData } from './prepare-worker.ts'

/**
 * Bodies smaller than this are read on the main thread even with workers: a
 * round trip to a worker costs more than a few events take to validate.
 */
export const INLINE_BELOW_BYTES = 8 * 1024

/** The bodies waiting for or in a worker are over their bound: the request gets 503 with Retry-After. */
export class WorkersBusy extends Error {
  constructor(pendingBytes: number) {
    super(`prepare workers busy (${pendingBytes} bytes of bodies waiting)`)
  }
}

/** Reads, validates and encodes request bodies (prepare-request.ts), on the main thread or in workers. */
export interface Preparer {
  prepare(body: RequestBody): Promise<PreparedRequest>
  /** Bytes of bodies posted to a worker and not yet answered. */
  readonly pendingBytes: number
  /** Ends the workers; what they still hold fails. */
  stop(): Promise<void>
}

export interface PreparerOptions {
  /** Worker threads; 0 reads every body on the main thread. */
  workers: number
  settings: PrepareSettings
  schemas: CodecSchemas | undefined
  /** Most bytes of bodies waiting for or in a worker; past it prepare() fails with WorkersBusy. */
  maxPendingBytes: number
  logger: Logger
  /** Default INLINE_BELOW_BYTES; tests send every body to a worker with 0. */
  inlineBelowBytes?: number
}

export function createPreparer(options: PreparerOptions): Preparer {
  const codec = createEventCodec(options.schemas)
  const inline = (body: RequestBody) => prepareRequest(body, options.settings, codec)
  if (options.workers <= 0) return { prepare: inline, pendingBytes: 0, stop: async () => {} }
  return new PreparePool(options, codec)
}

interface Task {
  bytes: number
  resolve(prepared: PreparedRequest): void
  reject(err: Error): void
}

interface PoolWorker {
  worker: Worker
  tasks: Map<number, Task>
  /** It answered at least once: it loads, so its death was a crash, not a broken install. */
  answered: boolean
}

const BOOT = new URL('./prepare-worker-boot.mjs', import.meta.url)
const ENTRY = new URL('./prepare-worker.ts', import.meta.url).href

/**
 * node:worker_threads doing the JSON, validation and Avro work of requests,
 * so that the main thread keeps only HTTP, admission and Kafka. A task goes to
 * the worker with the fewest tasks; a worker that dies fails its tasks (500)
 * and is replaced. The bytes of bodies handed over are bounded: under a load
 * the workers cannot keep up with, requests are refused, not queued.
 */
class PreparePool implements Preparer {
  private readonly workers: PoolWorker[] = []
  private nextId = 0
  private pending = 0
  private stopped = false
  /** A worker died before it ever answered (cannot load): every body is read on the main thread. */
  private unloadable = false

  constructor(
    private readonly options: PreparerOptions,
    private readonly codec: FramedCodec<AdEvent>,
  ) {
    for (let i = 0; i < options.workers; i++) this.workers.push(this.spawn())
  }

  get pendingBytes(): number {
    return this.pending
  }

  prepare(body: RequestBody): Promise<PreparedRequest> {
    if (
      this.stopped ||
      this.unloadable ||
      body.raw.length < (this.options.inlineBelowBytes ?? INLINE_BELOW_BYTES)
    ) {
      return prepareRequest(body, this.options.settings, this.codec)
    }
    const bytes = body.raw.length
    // One body larger than the whole bound still passes alone, or it could never be read.
    if (this.pending > 0 && this.pending + bytes > this.options.maxPendingBytes) {
      return Promise.reject(new WorkersBusy(this.pending))
    }
    const target = this.leastBusy()
    if (target === undefined) return prepareRequest(body, this.options.settings, this.codec)
    const id = this.nextId++
    this.pending += bytes
    return new Promise<PreparedRequest>((resolve, reject) => {
      target.tasks.set(id, { bytes, resolve, reject })
      const wire: WireBody = { ...body, raw: body.raw }
      target.worker.postMessage({ id, body: wire })
    })
  }

  async stop(): Promise<void> {
    this.stopped = true
    const workers = this.workers.splice(0)
    await Promise.all(workers.map((w) => w.worker.terminate()))
    for (const w of workers) this.failAll(w, new Error('ingest is stopping'))
  }

  private leastBusy(): PoolWorker | undefined {
    let best = this.workers[0]
    for (const w of this.workers) if (best === undefined || w.tasks.size < best.tasks.size) best = w
    return best
  }

  private spawn(): PoolWorker {
    const data: PrepareWorkerData & { entry: string } = {
      entry: ENTRY,
      settings: this.options.settings,
      schemas: this.options.schemas,
    }
    const worker = new Worker(BOOT, { workerData: data })
    // The pool's work never keeps the process alive by itself.
    worker.unref()
    const self: PoolWorker = { worker, tasks: new Map(), answered: false }
    worker.on('message', (reply: WireReply) => this.settle(self, reply))
    worker.on('error', (err) => this.replace(self, err))
    worker.on('exit', (code) => this.replace(self, new Error(`prepare worker exited with ${code}`)))
    return self
  }

  private settle(from: PoolWorker, reply: WireReply): void {
    const task = from.tasks.get(reply.id)
    from.answered = true
    if (task === undefined) return
    from.tasks.delete(reply.id)
    this.pending -= task.bytes
    if ('error' in reply) task.reject(new Error(`prepare worker failed: ${reply.error}`))
    else task.resolve(fromWire(reply.prepared))
  }

  private replace(dead: PoolWorker, err: Error): void {
    const at = this.workers.indexOf(dead)
    if (at < 0) return
    this.failAll(dead, err)
    if (!dead.answered) {
      this.unloadable = true
      this.workers.splice(at, 1)
      this.options.logger.error(
        { err },
        'a prepare worker could not start; bodies are read on the main thread',
      )
      return
    }
    this.options.logger.error({ err }, 'a prepare worker died; its requests fail and it is replaced')
    if (!this.stopped) this.workers[at] = this.spawn()
  }

  private failAll(w: PoolWorker, err: Error): void {
    for (const task of w.tasks.values()) {
      this.pending -= task.bytes
      task.reject(err)
    }
    w.tasks.clear()
  }
}
