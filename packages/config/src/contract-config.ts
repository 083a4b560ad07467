import { DEFAULT_CONTRACT, type EventContract } from '@adpulse/events'
import type { EnvReader } from './env-reader.ts'

/**
 * The limits of the event contract, one set for ingest and the processor
 * (packages/events, EventContract):
 * `ADPULSE_INGEST_MAX_ID_LENGTH`, default 128: characters of event_id, campaign_id, ad_id, click_id, user_id;
 * `ADPULSE_INGEST_MAX_ACTION_LENGTH`, default 64: characters of an action (conversions, engagements);
 * `ADPULSE_ALLOWED_LATENESS`, default 7d: older events go to the dead-letter topic;
 * `ADPULSE_MAX_CLOCK_SKEW`, default 5m: events further in the future go there too.
 */
export type ContractConfig = EventContract

export function readContract(r: EnvReader): ContractConfig {
  return {
    maxIdLength: r.int('ADPULSE_INGEST_MAX_ID_LENGTH', DEFAULT_CONTRACT.maxIdLength, { min: 1, max: 4096 }),
    maxActionLength: r.int('ADPULSE_INGEST_MAX_ACTION_LENGTH', DEFAULT_CONTRACT.maxActionLength, {
      min: 1,
      max: 4096,
    }),
    allowedLatenessMs: r.durationMs('ADPULSE_ALLOWED_LATENESS', DEFAULT_CONTRACT.allowedLatenessMs),
    maxClockSkewMs: r.durationMs('ADPULSE_MAX_CLOCK_SKEW', DEFAULT_CONTRACT.maxClockSkewMs),
  }
}
