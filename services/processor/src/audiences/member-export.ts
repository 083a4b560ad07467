import { customerMatchHash } from '@adpulse/audiences'
import type { AudienceMember } from '@adpulse/clickhouse'
import type { MembersQuery } from './members-query.ts'

/** The exported fields of a member: the identifier (or its hash), and the times as ISO 8601 UTC. */
function exportedFields(member: AudienceMember, hash: MembersQuery['hash']): [string, string, string] {
  return [
    hash === 'sha256' ? customerMatchHash(member.user_id) : member.user_id,
    new Date(member.joined_at).toISOString(),
    new Date(member.expires_at).toISOString(),
  ]
}

const idColumn = (hash: MembersQuery['hash']) => (hash === 'sha256' ? 'user_id_sha256' : 'user_id')

/** A quoted CSV field (RFC 4180) when it holds a comma, a quote or a line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/**
 * A page of members as NDJSON lines (`{"user_id", "joined_at", "expires_at"}`) or
 * CSV with a header row; with `hash=sha256` the id field is `user_id_sha256`.
 */
export function exportMembers(
  members: readonly AudienceMember[],
  query: Pick<MembersQuery, 'format' | 'hash'>,
): string {
  const id = idColumn(query.hash)
  if (query.format === 'csv') {
    const lines = members.map((m) => exportedFields(m, query.hash).map(csvField).join(','))
    return `${[`${id},joined_at,expires_at`, ...lines].join('\r\n')}\r\n`
  }
  return members
    .map((m) => {
      const [user, joined_at, expires_at] = exportedFields(m, query.hash)
      return `${JSON.stringify({ [id]: user, joined_at, expires_at })}\n`
    })
    .join('')
}

export const MEMBERS_CONTENT_TYPE: Record<MembersQuery['format'], string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
}
