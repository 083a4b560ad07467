import type { ServiceAttach } from '@adpulse/runtime'
import { registerIngestRoutes } from './ingest-routes.ts'

/** ingest: POST /v1/events → the events topic. Its state: the keys in force, rate buckets, recent signatures. */
export const attachIngest: ServiceAttach = async (ctx) => {
  const ingest = await registerIngestRoutes(ctx.app, { ...ctx, schemas: ctx.schemas.events })
  return { stop: () => ingest.stop() }
}
