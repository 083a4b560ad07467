import type { AdEvent } from '../src/event.ts'

/**
 * Builders of the events tests send through the pipeline: one valid event with
 * sensible defaults, and each test overrides only what its assertions are
 * about. Pure code beside the type it builds, so that every package's tests can
 * share it without a cycle: tests import it as `@adpulse/events/testing` (the
 * testkit re-exports it); scripts/check-boundaries.mjs keeps it out of production code.
 */

/** The fixed clock of unit tests: 2026-11-22 12:00:00.000 UTC. */
export const TEST_NOW = Date.UTC(2026, 10, 22, 12, 0)

/**
 * A decoded event as it travels on the events topic: a valid click on campaign
 * `c1` in `search` with an explicit cost of 1000 micros (USD), sent by source
 * `s`, received at `now` and a minute old then. Optional ids are null.
 * Integration tests pass `Date.now()` as `now`; unit tests keep TEST_NOW.
 */
export function anEvent(over: Partial<AdEvent> = {}, now: number = TEST_NOW): AdEvent {
  return {
    event_id: 'e1',
    type: 'click',
    occurred_at: now - 60_000,
    channel: 'search',
    campaign_id: 'c1',
    ad_id: null,
    click_id: null,
    cost_micros: 1000n,
    value_micros: null,
    action: null,
    currency: 'USD',
    user_id: null,
    source: 's',
    received_at: now,
    ...over,
  }
}

/**
 * A decoded engagement: like anEvent, a `like` on the ad `ad-1` of campaign
 * `c1` in `social`, without explicit cost (the pricing model prices it).
 */
export function anEngagement(over: Partial<AdEvent> = {}, now: number = TEST_NOW): AdEvent {
  return anEvent(
    {
      event_id: 'g1',
      type: 'engagement',
      channel: 'social',
      ad_id: 'ad-1',
      action: 'like',
      cost_micros: null,
      ...over,
    },
    now,
  )
}

/** A JSON event as a sender posts it to ingest, before validation: any field, any type. */
export type RawEvent = Record<string, unknown>

/**
 * The smallest valid event a sender posts: a click on campaign `camp-1` in
 * `search`, a second old at `now`, with only the required fields (ingest fills
 * in the rest). Overrides may add fields, change them or break them on purpose.
 */
export function aRawEvent(over: RawEvent = {}, now: number = TEST_NOW): RawEvent {
  return {
    event_id: 'e1',
    type: 'click',
    occurred_at: now - 1_000,
    channel: 'search',
    campaign_id: 'camp-1',
    ...over,
  }
}
