import type { FastifyInstance } from 'fastify'
import { createNamedKeyLookup } from './bearer-keys.ts'

/** Every route under this prefix is the API: it needs a key. */
const API_PREFIX = '/v1/'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Set on an API route that checks a key of its own instead of a read key:
     * POST /v1/events takes an ingest key (services/ingest/src/admission.ts),
     * DELETE /v1/users/{user_id} an admin key (services/processor/src/audiences/admin-keys.ts).
     */
    ownKey?: 'ingest' | 'admin'
  }
}

/** What a request without a read key gets: ingest's 401 shape, and the same for every wrong key. */
export const READ_KEY_REFUSAL = {
  error: 'unauthorized',
  message: 'send Authorization: Bearer <read key>',
} as const

/**
 * The one check of the read API: every route under /v1/ answers only a request
 * with a read key (ADPULSE_READ_KEYS), unless the route declares a key of its
 * own (`config: { ownKey: 'ingest' | 'admin' }`). By route pattern, so a new /v1 route is
 * guarded without a line of its own, and so no spelling of a path slips past.
 * An ingest key is refused like any unknown key: the answer never tells
 * whether a key exists for another purpose. Routes outside /v1 (/metrics, the
 * health routes, the schema registry's) and unknown paths (404) stay open.
 */
export function requireReadKeys(app: FastifyInstance, keys: ReadonlyMap<string, string>): void {
  const lookup = createNamedKeyLookup(keys)
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url
    if (request.is404 || route === undefined || !route.startsWith(API_PREFIX)) return
    if (request.routeOptions.config.ownKey !== undefined) return
    if (lookup(request.headers.authorization) !== null) return
    return reply.code(401).send(READ_KEY_REFUSAL)
  })
}
