import type { AudienceDefinition } from '@adpulse/audiences'
import { type UserDeletionStore, userDeletionJson } from '@adpulse/clickhouse'
import type { FastifyInstance } from 'fastify'
import { createAdminCheck } from './admin-keys.ts'

/** The longest user_id accepted: the events' own limit is ADPULSE_INGEST_MAX_ID_LENGTH (128 by default). */
const MAX_USER_ID_LENGTH = 1024

/**
 * DELETE /v1/users/{user_id} (an admin key): forgets a person, their raw events
 * and audience memberships, and answers what went (README, "Forgetting a person").
 */
export function registerUserRoutes(
  app: FastifyInstance,
  deps: {
    adminKeys: ReadonlyMap<string, string>
    audiences: readonly AudienceDefinition[]
    deletions: Pick<UserDeletionStore, 'forget'>
  },
  now: () => number = Date.now,
): void {
  const adminOf = createAdminCheck(deps.adminKeys)
  app.delete<{ Params: { user_id: string } }>(
    '/v1/users/:user_id',
    { config: { ownKey: 'admin' } },
    async (request, reply) => {
      const requestedBy = adminOf(request, reply)
      if (requestedBy === null) return reply
      const userId = request.params.user_id
      if (userId === '' || userId.length > MAX_USER_ID_LENGTH) {
        return reply
          .code(400)
          .send({ error: 'bad_request', message: `user_id: expected 1-${MAX_USER_ID_LENGTH} characters` })
      }
      const deletion = await deps.deletions.forget({
        userId,
        requestedBy,
        via: 'api',
        audiences: deps.audiences,
        now: now(),
      })
      if (deletion === null) {
        return reply.code(404).send({
          error: 'not_found',
          message: `user ${JSON.stringify(userId)}: no event of this user_id is in events_raw (never seen, already forgotten, or past ADPULSE_RAW_RETENTION)`,
        })
      }
      return userDeletionJson(deletion)
    },
  )
}
