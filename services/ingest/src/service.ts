import type { ServiceAttach } from '@adpulse/runtime'
import { registerIngestRoutes } from './ingest-routes.ts'

/** ingest: POST /v1/events → the events topic. Holds no state of its own. */
export const attachIngest: ServiceAttach = async (ctx) => {
  registerIngestRoutes(ctx.app, { ...ctx })
  return { stop: async () => undefined }
}
