import { KpiStore } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'
import { type AdEvent, DEFAULT_CONTRACT, validateEvent } from '@adpulse/events'
import { createRegistry, type Registry } from '@adpulse/observability'
import { aRawEvent, pollUntil } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processorRig } from '../test/processor-rig.ts'

/**
 * One contract for ingest and the processor, on the run's real broker and
 * ClickHouse: with ADPULSE_INGEST_MAX_ID_LENGTH raised to 200, an event with a
 * 150-character event_id that ingest's validation accepts is counted by the
 * processor (it used to be dead-lettered for a hard-coded 128), while records
 * another writer put on the topic against the contract (an id too long even
 * for 200, a U+0000 in an id) are dead letters of the shared record shape.
 */

/** A raw event as a sender posts it to ingest. */
const rawClick = (eventId: string, campaignId: string) =>
  aRawEvent({ event_id: eventId, campaign_id: campaignId, cost_micros: 1000 }, Date.now())

/** What ingest does with a raw event before producing it: validateEvent under config.contract. */
function ingestValidate(config: AdpulseConfig, raw: unknown): AdEvent {
  const result = validateEvent(raw, {
    now: Date.now(),
    ...config.contract,
    reportingCurrency: config.reportingCurrency,
    source: 'contract-it',
  })
  if (!result.ok) throw new Error(`ingest would refuse it: ${JSON.stringify(result.errors)}`)
  return result.event
}

describe('processor: the event contract ingest validates with', () => {
  const rig = processorRig('contract', {
    partitions: 1,
    env: { ADPULSE_INGEST_MAX_ID_LENGTH: '200' },
    readDeadLetters: true,
  })
  const { config, topic, letters } = rig
  beforeAll(() => rig.open())
  afterAll(() => rig.close())

  const countedIds = async () => {
    const result = await rig.client.query({
      query: `SELECT event_id FROM ${config.clickhouse.database}.events_raw ORDER BY event_id`,
      format: 'JSONEachRow',
    })
    return (await result.json<{ event_id: string }>()).map((r) => r.event_id)
  }
  const deadLettersOf = async (registry: Registry, reason: string) =>
    (await registry.getSingleMetric('adpulse_dead_letters_total')?.get())?.values.find(
      (v) => v.labels.stage === 'processor' && v.labels.reason === reason,
    )?.value

  it('counts a 150-character event_id ingest accepted under maxIdLength 200, and dead-letters what breaks the contract', async () => {
    expect(config.contract.maxIdLength).toBe(200)
    const longId = `long-${'x'.repeat(145)}`
    expect(longId).toHaveLength(150)
    // Under the default contract ingest would have refused it: the raised limit is what lets it in.
    const atDefault = validateEvent(rawClick(longId, 'c-long'), {
      now: Date.now(),
      ...DEFAULT_CONTRACT,
      reportingCurrency: 'USD',
      source: 'contract-it',
    })
    expect(atDefault.ok).toBe(false)

    const accepted = [
      ingestValidate(config, rawClick(longId, 'c-long')),
      ingestValidate(config, rawClick('short-1', 'c-1')),
    ]
    const neighbour = ingestValidate(config, rawClick('short-2', 'c-1'))
    // Written past ingest by another writer: valid Avro, refused by the same contract.
    const tooLong = { ...neighbour, event_id: 'y'.repeat(201) }
    const withNul = { ...neighbour, event_id: 'a', campaign_id: 'c\u00001' }
    await rig.send([...accepted, tooLong, withNul, neighbour])

    const registry = createRegistry('processor')
    await rig.start({ registry })

    const ids = await pollUntil(countedIds, (seen) => seen.length >= 3, {
      what: 'three events in events_raw',
    })
    expect(ids).toEqual([longId, 'short-1', 'short-2'])
    const kpis = new KpiStore(rig.client, config.clickhouse.database)
    const sums = await pollUntil(
      () => kpis.sums({ from: 0, to: Date.now() + 3_600_000 }, 'campaign'),
      (rows) => rows.reduce((n, r) => n + r.clicks, 0) >= 3,
      { what: 'three clicks in the KPIs' },
    )
    expect(new Map(sums.map((r) => [r.campaign_id, r.clicks]))).toEqual(
      new Map([
        ['c-long', 1],
        ['c-1', 2],
      ]),
    )

    const dead = await pollUntil(
      async () => letters,
      (seen) => seen.length >= 2,
      { what: 'two dead letters' },
    )
    // The long id never reaches the dead-letter topic; the two against the contract do, in the one shape.
    expect(dead.map((l) => l.detail).sort()).toEqual([
      'campaign_id: no control characters (U+0000-U+001F, U+007F-U+009F) (got "c\\u00001")',
      `event_id: a string of 1-200 characters (got "${'y'.repeat(76)}...)`,
    ])
    for (const letter of dead) {
      expect(letter).toEqual({
        reason: 'invalid_event',
        stage: 'processor',
        // The record decoded: its source, receipt, id and refused fields are named.
        source: 'contract-it',
        received_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        event_id: expect.any(String),
        index: null,
        errors: [expect.objectContaining({ field: expect.stringMatching(/^(event_id|campaign_id)$/) })],
        detail: expect.any(String),
        topic,
        partition: 0,
        offset: expect.stringMatching(/^\d+$/),
        value_base64: expect.any(String),
      })
    }
    expect(await deadLettersOf(registry, 'invalid_event')).toBe(2)
    expect(await countedIds()).toHaveLength(3)
  })
})
