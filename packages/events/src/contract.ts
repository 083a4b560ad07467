/**
 * The limits of the public write contract that a deployment may set (the
 * `contract` section of the config). Ingest validates with them and the
 * processor checks decoded records with the same ones, so an event answered
 * 202 is never refused later for a limit the two disagree on.
 */
export interface EventContract {
  /** Most characters of event_id, campaign_id, ad_id, click_id and user_id. */
  maxIdLength: number
  /** Most characters of an action (conversions, engagements). */
  maxActionLength: number
  /** How long before its receipt an event may have occurred. */
  allowedLatenessMs: number
  /** How far after its receipt an event may occur (clock skew of the sender). */
  maxClockSkewMs: number
}

/** The contract's defaults (DESIGN.md, Events). */
export const DEFAULT_CONTRACT: EventContract = {
  maxIdLength: 128,
  maxActionLength: 64,
  allowedLatenessMs: 7 * 86_400_000,
  maxClockSkewMs: 5 * 60_000,
}
