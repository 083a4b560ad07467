/** A change of an audience's membership, as published on adpulse.audiences.v1 (README, Remarketing audiences). */
export interface AudienceChange {
  /** Deterministic: a republished change (after a crash) has the same id. */
  change_id: string
  audience: string
  user_id: string
  change: 'joined' | 'left'
  /** Epoch ms the change happened: joined, the membership's first including event; left, when it ended or was noticed. */
  at: number
  /** Epoch ms the membership began. */
  joined_at: number
  /** Epoch ms the membership ends (joined) or ended or would have (left). */
  expires_at: number
  /** Epoch ms the change was published. */
  published_at: number
}

/**
 * adpulse.audiences.v1 value, version 1: one joined or left of a user in an
 * audience, keyed by `<audience>\u0000<user_id>` so a compacted topic keeps each
 * user's latest change per audience.
 */
export const AUDIENCE_CHANGE_V1 = {
  type: 'record',
  name: 'AudienceChange',
  namespace: 'dev.adpulse.audiences.v1',
  fields: [
    { name: 'change_id', type: 'string', doc: 'deterministic: the same change always has the same id' },
    { name: 'audience', type: 'string' },
    { name: 'user_id', type: 'string' },
    { name: 'change', type: { type: 'enum', name: 'AudienceChangeKind', symbols: ['joined', 'left'] } },
    { name: 'at', type: 'long', doc: 'epoch ms of the change' },
    { name: 'joined_at', type: 'long', doc: 'epoch ms the membership began' },
    { name: 'expires_at', type: 'long', doc: 'epoch ms the membership ends (or ended)' },
    { name: 'published_at', type: 'long', doc: 'epoch ms of publication' },
  ],
} as const
