import { createBearerLookup } from '@adpulse/http'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * The check of an admin route: the name of the ADPULSE_ADMIN_KEYS key the
 * request bears, or null after answering 401 (no key, or not an admin key).
 * The same constant-time lookup as the ingest keys.
 */
export function createAdminCheck(
  keys: ReadonlyMap<string, string>,
): (request: FastifyRequest, reply: FastifyReply) => string | null {
  const lookup = createBearerLookup([...keys].map(([key, name]) => ({ key, value: { key, name } })))
  return (request, reply) => {
    const entry = lookup(request.headers.authorization)
    if (entry !== null) return entry.name
    void reply.code(401).header('www-authenticate', 'Bearer realm="adpulse-admin"').send({
      error: 'unauthorized',
      message: 'an admin key is required: Authorization: Bearer <key of ADPULSE_ADMIN_KEYS>',
    })
    return null
  }
}
