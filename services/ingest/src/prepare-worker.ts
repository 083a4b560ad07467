import { parentPort, workerData } from 'node:worker_threads'
import { type CodecSchemas, createEventCodec } from '@adpulse/events'
import { type PrepareSettings, prepareRequest } from './prepare-request.ts'
import { bodyFromWire, toWire, type WireBody, type WireReply } from './prepare-wire.ts'

/** What a prepare worker is started with (workerData). */
export interface PrepareWorkerData {
  settings: PrepareSettings
  schemas: CodecSchemas | undefined
}

// One worker of the prepare pool (prepare-pool.ts): reads, validates and encodes the bodies posted to it.
const { settings, schemas } = workerData as PrepareWorkerData
const codec = createEventCodec(schemas)
const port = parentPort
if (port === null) throw new Error('prepare-worker.ts runs as a worker thread only')

port.on('message', async ({ id, body }: { id: number; body: WireBody }) => {
  let reply: WireReply
  let transfer: ArrayBuffer[] = []
  try {
    const wired = toWire(await prepareRequest(bodyFromWire(body), settings, codec))
    reply = { id, prepared: wired.wire }
    transfer = wired.transfer
  } catch (err) {
    reply = { id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }
  }
  port.postMessage(reply, transfer)
})
