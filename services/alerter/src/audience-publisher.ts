import { type AudienceDefinition, diffMembership, type MembershipSpan } from '@adpulse/audiences'
import type { AudiencePublishedStore, AudienceStore } from '@adpulse/clickhouse'
import type { AudienceChange, FramedCodec } from '@adpulse/events'
import type { Producer } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import { repeatEvery } from '@adpulse/runtime'

export interface AudiencePublisherDeps {
  audiences: readonly AudienceDefinition[]
  members: Pick<AudienceStore, 'members'>
  published: Pick<AudiencePublishedStore, 'members' | 'record'>
  producer: Producer
  codec: FramedCodec<AudienceChange>
  topic: string
  intervalMs: number
  /** Only the alerter's leader publishes (leader-lease.ts). */
  isLeader: () => boolean
  logger: Logger
  now?: () => number
}

/** Members per query while reading an audience whole. */
const PAGE = 10_000

/** Every member of an audience at `now`, a page at a time. */
async function currentMembers(
  store: Pick<AudienceStore, 'members'>,
  audience: AudienceDefinition,
  now: number,
): Promise<MembershipSpan[]> {
  const all: MembershipSpan[] = []
  let after: string | undefined
  for (;;) {
    const page = await store.members(audience, { now, after, limit: PAGE })
    all.push(...page.members)
    after = page.members.at(-1)?.user_id
    if (!page.more || after === undefined) return all
  }
}

/**
 * Membership changes on the audiences topic: each tick diffs every audience's
 * members now against those last published (audience_published), publishes the
 * changes keyed by audience and user, and only once the topic acknowledged
 * them records them as published. A crash in between publishes them again with
 * the same change ids; a restart repeats nothing else and forgets nothing.
 */
export function startAudiencePublisher(deps: AudiencePublisherDeps) {
  const now = deps.now ?? Date.now
  const log = deps.logger.child({ component: 'audience-publisher' })

  async function tick(): Promise<AudienceChange[]> {
    if (!deps.isLeader()) return []
    const at = now()
    const published: AudienceChange[] = []
    for (const audience of deps.audiences) {
      const current = await currentMembers(deps.members, audience, at)
      const changes = diffMembership(audience.name, current, await deps.published.members(audience.name), at)
      if (changes.length === 0) continue
      await deps.producer.send(
        deps.topic,
        changes.map((c) => ({ key: `${c.audience}\u0000${c.user_id}`, value: deps.codec.encode(c) })),
      )
      await deps.published.record(audience.name, changes)
      const joined = changes.filter((c) => c.change === 'joined').length
      log.info(
        { audience: audience.name, joined, left: changes.length - joined },
        'audience changes published',
      )
      published.push(...changes)
    }
    return published
  }

  const ticks = repeatEvery(deps.intervalMs, tick, (err) => {
    log.error({ err }, 'publishing audience changes failed; retrying at the next interval')
  })
  return { tick, stop: () => ticks.stop() }
}
