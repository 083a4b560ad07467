import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import type { PeerReport, PeerRequest } from './processor-peer-child.ts'

/**
 * One run of the Kafka-engine peer (bench/processor-peer-child.ts) in a child
 * process with its own chDB data directory. Its consumer group is first pointed
 * at offset 0 of every partition: the Kafka engine's consumer would otherwise
 * start at the end of a topic written before it joined.
 */
export async function peerRun(request: Omit<PeerRequest, 'group'>, partitions: number): Promise<PeerReport> {
  const group = `bench-peer-${Date.now()}-${request.run}`
  const admin = new Kafka({
    brokers: request.brokers,
    clientId: 'bench-peer',
    logLevel: logLevel.NOTHING,
  }).admin()
  await admin.connect()
  try {
    await admin.setOffsets({
      groupId: group,
      topic: request.topic,
      partitions: Array.from({ length: partitions }, (_, partition) => ({ partition, offset: '0' })),
    })
  } finally {
    await admin.disconnect()
  }
  const child = fork(fileURLToPath(new URL('./processor-peer-child.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('message', (report) => resolve(report as PeerReport))
    child.once('exit', (code) => reject(new Error(`peer run ${request.run} exited with ${code}`)))
    child.send({ ...request, group } satisfies PeerRequest)
  })
}
