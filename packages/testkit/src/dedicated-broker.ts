import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureLocalKafka, type LocalKafka } from '@adpulse/local-kafka'
import { freePortPair } from './ports.ts'

/**
 * A broker of one test's own (deploy/local/kafka.sh on a free port, its own
 * data directory), for fault tests that stop and restart Kafka: never the
 * run's shared broker. Restart keeps the data and the port.
 */
export interface DedicatedBroker {
  brokers: string[]
  /** Stops the broker (the data stays). */
  stop(): Promise<void>
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>
  /** Stops it if running and removes its data. */
  cleanup(): Promise<void>
}

export async function startDedicatedBroker(): Promise<DedicatedBroker> {
  const data = await mkdtemp(join(tmpdir(), 'adpulse-broker-'))
  const env = { KAFKA_LOCAL_DATA: data, KAFKA_LOCAL_PORT: String(await freePortPair()) }
  let running: LocalKafka | undefined = await ensureLocalKafka(env)
  const brokers = running.brokers
  return {
    brokers,
    async stop() {
      await running?.stop()
      running = undefined
    },
    async start() {
      running ??= await ensureLocalKafka(env)
    },
    async cleanup() {
      await running?.stop()
      running = undefined
      await rm(data, { recursive: true, force: true })
    },
  }
}
