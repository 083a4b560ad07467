// The entry of a prepare worker thread: the services are TypeScript run through tsx,
// and a worker does not inherit the parent's loader, so it registers tsx itself.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
