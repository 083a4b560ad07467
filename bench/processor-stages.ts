import { PerformanceObserver } from 'node:perf_hooks'
import type { KafkaClient } from '@adpulse/kafka'
import type { Registry } from '@adpulse/observability'
import { THREAD_KINDS, type ThreadCpu } from './thread-cpu.ts'

/**
 * Where a run of the processor child spends its wall time, measured from the
 * outside of the processor (no timers in its code): the time inside the batch
 * handler (decode, price, dedup, dead letters, write, waiting for the inserts)
 * against the time outside it (kafkajs fetching, decompressing, committing,
 * heartbeats, joining the group); the inserts themselves (the processor's
 * adpulse_processor_flush_duration_seconds: chDB's insert into events_raw and
 * its views, one at a time; the slice's rows are encoded before its turn); and V8's garbage collection.
 */
export interface StageTimes {
  /** Milliseconds inside the processor's onBatch, summed over batches. */
  handlerMs: number
  batches: number
  /** Milliseconds of the slices' inserts (chDB; encoded before), summed; they overlap the handler's decoding. */
  insertMs: number
  inserts: number
  /** Milliseconds of garbage collection pauses on the main thread. */
  gcMs: number
  /** CPU milliseconds of the run by kind of thread (thread-cpu.ts; all zero where /proc is missing). */
  cpuMs: ThreadCpu
}

/** A KafkaClient whose consumers' batch handlers are timed into `times`. */
export function timedBatches(kafka: KafkaClient, times: StageTimes): KafkaClient {
  return new Proxy(kafka, {
    get(target, prop, receiver) {
      if (prop !== 'consume') {
        const value: unknown = Reflect.get(target, prop, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      }
      const consume: KafkaClient['consume'] = (options) =>
        target.consume({
          ...options,
          onBatch: async (batch) => {
            const started = performance.now()
            try {
              await options.onBatch(batch)
            } finally {
              times.handlerMs += performance.now() - started
              times.batches++
            }
          },
        })
      return consume
    },
  })
}

/** Starts summing GC pauses into `times`; returns the stop. */
export function observeGc(times: StageTimes): () => void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) times.gcMs += entry.duration
  })
  observer.observe({ entryTypes: ['gc'] })
  return () => observer.disconnect()
}

/** The inserts' total time and count, from the processor's flush histogram. */
export async function readInserts(registry: Registry, times: StageTimes): Promise<void> {
  const metric = await registry.getSingleMetric('adpulse_processor_flush_duration_seconds')?.get()
  for (const value of metric?.values ?? []) {
    const name = (value as { metricName?: string }).metricName
    if (name?.endsWith('_sum')) times.insertMs = value.value * 1000
    if (name?.endsWith('_count')) times.inserts = value.value
  }
}

export const noTimes = (): StageTimes => ({
  handlerMs: 0,
  batches: 0,
  insertMs: 0,
  inserts: 0,
  gcMs: 0,
  cpuMs: Object.fromEntries(THREAD_KINDS.map((k) => [k, 0])) as ThreadCpu,
})
