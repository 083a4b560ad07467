import type { AudienceDefinition } from '@adpulse/audiences'
import type { AudienceStore } from '@adpulse/clickhouse'
import type { FastifyInstance } from 'fastify'
import { exportMembers, MEMBERS_CONTENT_TYPE } from './member-export.ts'
import { nextMembersCursor, parseMembersQuery } from './members-query.ts'

/** An audience as GET /v1/audiences describes it: its definition and its size now. */
function audienceJson(audience: AudienceDefinition, size: number) {
  const { include, exclude } = audience
  return {
    name: audience.name,
    size,
    include: {
      type: include.type,
      actions: include.actions,
      channels: include.channels,
      campaigns: include.campaigns,
      lookback_ms: include.lookbackMs,
    },
    exclude:
      exclude === undefined
        ? null
        : {
            type: exclude.type,
            actions: exclude.actions,
            channels: exclude.channels,
            campaigns: exclude.campaigns,
            lookback_ms: exclude.lookbackMs ?? null,
          },
    duration_ms: audience.durationMs,
  }
}

/**
 * GET /v1/audiences (the audiences of ADPULSE_AUDIENCES_FILE and their sizes)
 * and GET /v1/audiences/{name}/members (the members, NDJSON or CSV, a page at a
 * time, identifiers as they are or as customer-match SHA-256 hashes).
 */
export function registerAudienceRoutes(
  app: FastifyInstance,
  audiences: readonly AudienceDefinition[],
  store: Pick<AudienceStore, 'size' | 'members'>,
  now: () => number = Date.now,
): void {
  const byName = new Map(audiences.map((a) => [a.name, a]))

  app.get('/v1/audiences', async () => {
    const at = now()
    const sizes = await Promise.all(audiences.map((a) => store.size(a, at)))
    return {
      at: new Date(at).toISOString(),
      audiences: audiences.map((a, i) => audienceJson(a, sizes[i] ?? 0)),
    }
  })

  app.get<{ Params: { name: string } }>('/v1/audiences/:name/members', async (request, reply) => {
    const { name } = request.params
    const audience = byName.get(name)
    if (audience === undefined) {
      const known =
        audiences.length === 0 ? 'none (ADPULSE_AUDIENCES_FILE is unset)' : [...byName.keys()].join(', ')
      return reply.code(404).send({
        error: 'not_found',
        message: `audience ${JSON.stringify(name)} is not defined; defined: ${known}`,
      })
    }
    const parsed = parseMembersQuery(name, request.query as Record<string, unknown>, now())
    if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.error })
    const query = parsed.value
    const page = await store.members(audience, { now: query.at, after: query.after, limit: query.limit })
    const cursor = nextMembersCursor(name, query, page.members.at(-1)?.user_id, page.more)
    if (cursor !== null) reply.header('x-next-cursor', cursor)
    reply.header('x-audience-at', new Date(query.at).toISOString())
    return reply.type(MEMBERS_CONTENT_TYPE[query.format]).send(exportMembers(page.members, query))
  })
}
