import type { AudienceDefinition } from '../src/audience-definitions.ts'

const DAY = 86_400_000

/**
 * The audience the audience tests share: users who added to a cart within 30
 * days and have not purchased since, members for 14 days after their last add.
 */
export const CART_ABANDONERS: AudienceDefinition = {
  name: 'cart',
  include: {
    type: 'engagement',
    actions: ['add_to_cart'],
    channels: [],
    campaigns: [],
    lookbackMs: 30 * DAY,
  },
  exclude: { type: 'conversion', actions: ['purchase'], channels: [], campaigns: [], lookbackMs: undefined },
  durationMs: 14 * DAY,
}
