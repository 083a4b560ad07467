import type { RawEventRow } from '../src/raw-event-store.ts'

/** A raw event row of a user, the fields audiences do not read filled in plainly. */
export function userEvent(
  offset: number,
  user_id: string | null,
  type: RawEventRow['type'],
  occurred_at: number,
  over: Partial<RawEventRow> = {},
): RawEventRow {
  return {
    event_id: `e${offset}`,
    source: 'test',
    type,
    occurred_at,
    channel: 'google',
    campaign_id: 'spring',
    user_id,
    action: '',
    cost_micros: type === 'click' ? 500_000n : 0n,
    value_micros: type === 'conversion' ? 20_000_000n : 0n,
    currency: 'USD',
    received_at: occurred_at,
    topic: 'audiences',
    partition: 0,
    offset: String(offset),
    ...over,
  }
}
