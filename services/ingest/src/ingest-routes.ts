import type { AdpulseConfig } from '@adpulse/config'
import type { CodecSchemas } from '@adpulse/events'
import { ProduceBatcher, type Producer } from '@adpulse/kafka'
import type { Logger, Registry } from '@adpulse/observability'
import { deadLetterCounter } from '@adpulse/observability'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Admission, type AdmissionTicket } from './admission.ts'
import { type Refuse, registerBodyIntake } from './body-intake.ts'
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics.ts'
import { KeyStore } from './key-store.ts'
import { type PostEventsContext, postEvents, refuseWith } from './post-events.ts'
import { createPreparer, type Preparer } from './prepare-pool.ts'

export interface IngestDeps {
  config: Pick<AdpulseConfig, 'contract' | 'ingest' | 'kafka' | 'reportingCurrency'>
  producer: Producer
  logger: Logger
  registry: Registry
  /** Schemas events are written with; default the built-in table. */
  schemas?: CodecSchemas
  /** Epoch ms; injected by tests. */
  now?: () => number
  /** How often the key file is checked for a change; default 1000 ms. */
  keyWatchIntervalMs?: number
  /** Injected by tests; default the worker pool (or the main thread) of ADPULSE_INGEST_WORKERS. */
  preparer?: Preparer
}

export interface IngestRoutes {
  keys: KeyStore
  /** Stops watching the key file and waits for produce calls in flight. */
  stop(): Promise<void>
}

/** The produce batcher, reporting each acknowledged produce call to the metrics. */
function createBatcher(deps: IngestDeps, metrics: () => IngestMetrics): ProduceBatcher {
  const { kafka, ingest } = deps.config
  return new ProduceBatcher(deps.producer, {
    lingerMs: kafka.producer.lingerMs,
    maxBatchBytes: kafka.producer.maxBatchBytes,
    maxBufferedBytes: ingest.maxBufferedBytes,
    onSend: ({ messages, seconds, ok }) => {
      if (!ok) return
      metrics().produceSeconds.observe(seconds)
      metrics().produceMessages.observe(messages)
    },
  })
}

/** The key store, loaded and watched: its reloads and size are metrics. */
async function openKeyStore(deps: IngestDeps, log: Logger, metrics: IngestMetrics): Promise<KeyStore> {
  const limits = deps.config.ingest
  const keys = new KeyStore({
    envKeys: limits.keys,
    file: limits.keysFile,
    logger: log,
    ...(deps.keyWatchIntervalMs === undefined ? {} : { watchIntervalMs: deps.keyWatchIntervalMs }),
    onReload: (result, count) => {
      metrics.keyReloads.inc({ result })
      metrics.keys.set(count)
    },
  })
  await keys.load()
  metrics.keys.set(keys.size)
  keys.watch()
  return keys
}

/** Answers `{error, message}` (and Retry-After when given), counted by reason. */
const refuseCounted =
  (metrics: IngestMetrics): Refuse =>
  (reply, status, reason, message, retryAfterSeconds) => {
    metrics.refused.inc({ reason })
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds))
    return reply.code(status).send({ error: reason, message })
  }

/**
 * POST /v1/events: admit (key, rate, signature), read (size, gzip, UTF-8,
 * JSON), take the rate tokens, validate, encode, produce, answer (the steps
 * after admission: post-events.ts). Refusals of a whole request happen as early
 * as they can, so a bad or greedy sender costs little.
 */
export async function registerIngestRoutes(app: FastifyInstance, deps: IngestDeps): Promise<IngestRoutes> {
  const log = deps.logger.child({ component: 'ingest' })
  const batcher = createBatcher(deps, () => metrics)
  const metrics = createIngestMetrics(deps.registry, () => batcher.bufferedBytes)
  const ctx: PostEventsContext = {
    config: deps.config,
    preparer:
      deps.preparer ??
      createPreparer({
        workers: deps.config.ingest.workers,
        settings: {
          contract: deps.config.contract,
          reportingCurrency: deps.config.reportingCurrency,
          maxInflatedBytes: deps.config.ingest.maxInflatedBytes,
          maxEventsPerRequest: deps.config.ingest.maxEventsPerRequest,
        },
        schemas: deps.schemas,
        // Bodies handed to workers count against the same bound as records waiting for Kafka.
        maxPendingBytes: deps.config.ingest.maxBufferedBytes,
        logger: log,
      }),
    batcher,
    metrics,
    // Late and future events at 0 from the start: the late-event rate exists before the first one.
    deadLettered: deadLetterCounter(deps.registry, 'ingest', ['too_late', 'too_far_in_future']),
    log,
    now: deps.now ?? Date.now,
    refuse: refuseCounted(metrics),
  }
  const keys = await openKeyStore(deps, log, metrics)
  const admission = new Admission({ keys, limits: deps.config.ingest })
  const ticketOf = new WeakMap<FastifyRequest, AdmissionTicket>()

  app.register(async (scope) => {
    // Before the body is read: an unknown key or a sender over its rate costs almost nothing.
    scope.addHook('onRequest', async (request, reply) => {
      const opened = admission.open(request.headers.authorization)
      if (!opened.ok) return refuseWith(ctx, reply, opened.refusal)
      ticketOf.set(request, opened.ticket)
    })
    registerBodyIntake(scope, deps.config.ingest.maxBodyBytes, ctx.refuse, (err) =>
      log.error({ err }, 'ingest failed unexpectedly'),
    )
    // Its own key (the onRequest hook above): the read-key check of /v1 (packages/http) steps aside.
    scope.post('/v1/events', { config: { ownKey: 'ingest' } }, (request, reply) =>
      postEvents(ctx, request, reply, ticketOf.get(request) as AdmissionTicket),
    )
  })

  return {
    keys,
    async stop() {
      keys.stop()
      await batcher.drain()
      await ctx.preparer.stop()
    },
  }
}
