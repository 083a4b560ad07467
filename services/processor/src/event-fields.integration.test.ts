import { createRegistry } from '@adpulse/observability'
import { anEvent, pollUntil } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processorRig } from '../test/processor-rig.ts'

/**
 * Nothing an event carries is dropped: events sent through the real processor,
 * on the run's broker and ClickHouse, land in events_raw with their ad, click
 * and user ids as sent (NULL where the event had none), their source and receipt.
 */
describe('processor: events_raw keeps what an event carries', () => {
  const rig = processorRig('fields', { partitions: 1 })
  const { config } = rig
  beforeAll(() => rig.open())
  afterAll(() => rig.close())

  it('writes the ad, click and user ids of each event, NULL for the ones it had none of', async () => {
    const now = Date.now()
    const receivedAt = now - 1_000
    await rig.send([
      anEvent(
        {
          event_id: 'all',
          ad_id: 'ad-7',
          click_id: 'gclid\\123 x',
          user_id: 'u-42',
          received_at: receivedAt,
        },
        now,
      ),
      anEvent(
        {
          event_id: 'user-only',
          type: 'conversion',
          action: 'purchase',
          value_micros: 5_000_000n,
          user_id: 'u-43',
          source: 'shop',
          received_at: receivedAt,
        },
        now,
      ),
      anEvent({ event_id: 'none', received_at: receivedAt }, now),
    ])
    await rig.start({ registry: createRegistry('processor') })

    const rows = await pollUntil(
      async () => {
        const result = await rig.client.query({
          query: `SELECT event_id, source, ad_id, click_id, user_id, toString(toUnixTimestamp64Milli(received_at)) AS received_at
            FROM ${config.clickhouse.database}.events_raw ORDER BY event_id`,
          format: 'JSONEachRow',
        })
        return result.json<Record<string, unknown>>()
      },
      (seen) => seen.length >= 3,
      { what: 'three events in events_raw' },
    )
    expect(rows).toEqual([
      {
        event_id: 'all',
        source: 's',
        ad_id: 'ad-7',
        click_id: 'gclid\\123 x',
        user_id: 'u-42',
        received_at: String(receivedAt),
      },
      {
        event_id: 'none',
        source: 's',
        ad_id: null,
        click_id: null,
        user_id: null,
        received_at: String(receivedAt),
      },
      {
        event_id: 'user-only',
        source: 'shop',
        ad_id: null,
        click_id: null,
        user_id: 'u-43',
        received_at: String(receivedAt),
      },
    ])
  })
})
