import { createNamedKeyLookup } from '@adpulse/http'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * The check of an admin route: the name of the ADPULSE_ADMIN_KEYS key the
 * request bears, or null after answering 401 (no key, or not an admin key).
 * The same constant-time lookup as the ingest keys.
 */
export function createAdminCheck(
  keys: ReadonlyMap<string, string>,
): (request: FastifyRequest, reply: FastifyReply) => string | null {
  const lookup = createNamedKeyLookup(keys)
  return (request, reply) => {
    const name = lookup(request.headers.authorization)
    if (name !== null) return name
    void reply.code(401).header('www-authenticate', 'Bearer realm="adpulse-admin"').send({
      error: 'unauthorized',
      message: 'an admin key is required: Authorization: Bearer <key of ADPULSE_ADMIN_KEYS>',
    })
    return null
  }
}
