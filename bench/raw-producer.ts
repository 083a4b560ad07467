import { CompressionTypes, Kafka, logLevel, type Message } from 'kafkajs'
import { type RunResult, summarize } from './stats.ts'

/**
 * The baseline: kafkajs alone, with the producer settings ingest uses
 * (idempotent, one request in flight per broker, acks from all in-sync
 * replicas, gzip), sending the same pre-encoded Avro records in sends of the
 * same batch size, from `concurrency` concurrent callers like the HTTP load.
 * No HTTP, no JSON, no validation, no encoding: the ceiling ingest is measured against.
 */
export async function openRawProducer(brokers: string[], clientId: string) {
  const kafka = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING })
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
  })
  await producer.connect()
  return {
    async closedLoop(
      topic: string,
      batches: Message[][],
      concurrency: number,
      seconds: number,
    ): Promise<RunResult> {
      const latencies: number[] = []
      let sent = 0
      let failures = 0
      let next = 0
      const started = performance.now()
      const end = started + seconds * 1000
      const worker = async () => {
        while (performance.now() < end) {
          const messages = batches[next++ % batches.length] as Message[]
          const t0 = performance.now()
          try {
            await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages })
            sent += messages.length
          } catch {
            failures++
          }
          latencies.push(performance.now() - t0)
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
      return summarize(latencies, sent, (performance.now() - started) / 1000, failures)
    },
    disconnect: () => producer.disconnect(),
  }
}
