import { isCurrencyCode } from './currencies.ts'

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

// The field rules below are the contract's, written once: validateEvent applies
// them to raw JSON at ingest, checkEvent to a decoded event in the processor.
// Each returns what was expected when the value breaks it, else null.

/** Largest money amount one event may carry: it travels as an Avro long. */
export const MAX_EVENT_MICROS = 2n ** 63n - 1n

/** Longest channel: channels are metric labels and keys of the pricing file. */
const MAX_CHANNEL_LENGTH = 64
const SLUG = /^[a-z0-9][a-z0-9_-]*$/
const CURRENCY = /^[A-Z]{3}$/

/**
 * An id (event_id, campaign_id, ad_id, click_id, user_id, source): 1 to
 * `maxLength` characters, no control character. The processor joins ids with
 * U+0000 into its dedup keys (dedup/partition-dedup.ts), so a control character in
 * an id could make two different events one key.
 */
export function idRule(value: string, maxLength: number): string | null {
  if (value.length === 0 || value.length > maxLength) return `a string of 1-${maxLength} characters`
  if (hasControlCharacter(value)) return 'no control characters (U+0000-U+001F, U+007F-U+009F)'
  return null
}

/** A string field that is not an id (action): 1 to `maxLength` characters. */
export function lengthRule(value: string, maxLength: number): string | null {
  return value.length === 0 || value.length > maxLength ? `a string of 1-${maxLength} characters` : null
}

/**
 * A lowercase slug of 1 to `maxLength` characters (a-z, 0-9, _ or -, not
 * starting with _ or -): a name that is a label or a key (a channel, an
 * engagement's action).
 */
export function slugRule(value: string, maxLength: number): string | null {
  return value.length <= maxLength && SLUG.test(value)
    ? null
    : `a lowercase slug of 1-${maxLength} characters (a-z, 0-9, _ or -)`
}

/** A channel: a lowercase slug, the label of channel metrics and the key of the pricing file. */
export function channelRule(value: string): string | null {
  return slugRule(value, MAX_CHANNEL_LENGTH)
}

/**
 * The action of an event that has one (`''` when absent). A conversion's is
 * any string of 1 to `maxLength` characters, as advertisers name their goals
 * (`purchase`, `lead`); an engagement's is a lowercase slug (`like`, `share`,
 * `comment`, `save`, `follow`, `video_view`, or any other), the vocabulary of
 * the pricing file's CPE actions and of the KPI breakdown by action.
 */
export function actionRule(
  type: 'conversion' | 'engagement',
  value: string,
  maxLength: number,
): string | null {
  return type === 'engagement' ? slugRule(value, maxLength) : lengthRule(value, maxLength)
}

/**
 * Whether an event may omit `channel` and `campaign_id`: a conversion with a
 * `click_id` (a postback often carries nothing else), which attribution credits
 * to its click's channel, campaign and ad (docs/attribution.md). Omitted, they
 * travel on the events topic as '' (no schema change).
 */
export function mayOmitCreditKeys(
  type: string | null | undefined,
  clickId: string | null | undefined,
): boolean {
  return type === 'conversion' && typeof clickId === 'string' && clickId.length > 0
}

/** What an impression or a click must not carry: only conversions and engagements have an action. */
export const NO_ACTION = 'no action on an impression or click (only conversions and engagements have one)'
/** What an impression, click or engagement must not carry. */
export const NO_VALUE = 'no value on an impression, click or engagement (only conversions carry revenue)'

export const MONEY_EXPECTED =
  'integer micros >= 0 (a JSON integer, or a string of digits above 2^53 - 1), at most 2^63 - 1'

/** An amount of money in micros: 0 to 2^63 - 1, an Avro long. */
export function moneyRule(micros: bigint): string | null {
  return micros < 0n || micros > MAX_EVENT_MICROS ? MONEY_EXPECTED : null
}

/** A currency: an ISO 4217 code of a currency in circulation (docs/currencies.md). */
export function currencyRule(code: string): string | null {
  if (!CURRENCY.test(code)) return 'an ISO 4217 code such as USD'
  if (!isCurrencyCode(code)) return 'an ISO 4217 code of a currency in circulation, such as USD or EUR'
  return null
}

/** Why an event time lies outside the contract's window around its receipt. */
export interface EventTimeProblem {
  reason: 'too_late' | 'too_far_in_future'
  expected: string
}

/**
 * An event time within the allowed lateness before, and the clock skew after,
 * its receipt. Ingest judges against now (the receipt), the processor against
 * the event's received_at, so a replay decides as ingest did.
 */
export function eventTimeRule(
  occurredAt: number,
  receivedAt: number,
  contract: Pick<EventContract, 'allowedLatenessMs' | 'maxClockSkewMs'>,
): EventTimeProblem | null {
  if (occurredAt < receivedAt - contract.allowedLatenessMs) {
    return {
      reason: 'too_late',
      expected: `an event time within the allowed lateness of ${contract.allowedLatenessMs} ms`,
    }
  }
  if (occurredAt > receivedAt + contract.maxClockSkewMs) {
    return {
      reason: 'too_far_in_future',
      expected: `an event time at most ${contract.maxClockSkewMs} ms in the future`,
    }
  }
  return null
}

/** C0 controls, DEL and C1 controls (Unicode category Cc). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true
  }
  return false
}
