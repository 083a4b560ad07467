import {
  actionRule,
  channelRule,
  currencyRule,
  DEFAULT_CONTRACT,
  type EventContract,
  eventTimeRule,
  idRule,
  MONEY_EXPECTED,
  mayOmitCreditKeys,
  moneyRule,
  NO_ACTION,
  NO_VALUE,
} from './contract.ts'
import { type AdEvent, EVENT_TYPES, type EventType, type FieldError } from './event.ts'

/**
 * What validateEvent judges an event by: the contract (the string limits
 * default to DEFAULT_CONTRACT's), the receipt time and who sent it.
 */
export interface ValidationContext
  extends Pick<EventContract, 'allowedLatenessMs' | 'maxClockSkewMs'>,
    Partial<Pick<EventContract, 'maxIdLength' | 'maxActionLength'>> {
  /** Receipt time, epoch ms. */
  now: number
  /** The currency an event without `currency` is in. */
  reportingCurrency: string
  /** The source name of the sender's key, stamped on the event. */
  source: string
}

/**
 * Why an event was refused, for metrics (a closed list, so a bounded label):
 * the kind of its first error.
 */
export type RejectReason =
  | 'not_an_object'
  | 'missing_field'
  | 'invalid_field'
  | 'seconds_not_milliseconds'
  | 'too_late'
  | 'too_far_in_future'

export type ValidationResult =
  | { ok: true; event: AdEvent }
  | { ok: false; errors: FieldError[]; reason: RejectReason }

/** Epoch milliseconds below this (1973-03-03) are almost surely seconds sent by mistake. */
const MIN_PLAUSIBLE_EPOCH_MS = 100_000_000_000
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/

/**
 * Checks one raw event against the public write contract (DESIGN.md, Events)
 * and normalises it. Every problem is reported, not just the first.
 */
export function validateEvent(input: unknown, ctx: ValidationContext): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ field: '', expected: 'an event object', got: describe(input) }],
      reason: 'not_an_object',
    }
  }
  const raw = input as Record<string, unknown>
  const errors: FieldError[] = []
  let reason: RejectReason | undefined
  const fail: Fail = (field, expected, got = raw[field], kind) => {
    reason ??= kind ?? (got === undefined ? 'missing_field' : 'invalid_field')
    errors.push({ field, expected, got: describe(got) })
  }
  const idMax = ctx.maxIdLength ?? DEFAULT_CONTRACT.maxIdLength
  const id = (value: string) => idRule(value, idMax)

  const eventId = requiredString(raw, 'event_id', id, fail)
  const type = raw.type
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    fail('type', `one of ${EVENT_TYPES.join(', ')}`)
  }
  const occurredAt = parseEventTime(raw.occurred_at, ctx, fail)
  // A postback with only a click_id: its channel and campaign come from its click (travel as '').
  const validClickId = typeof raw.click_id === 'string' && id(raw.click_id) === null ? raw.click_id : null
  const creditOptional = mayOmitCreditKeys(type as string, validClickId)
  const absent = (field: string) => creditOptional && (raw[field] === undefined || raw[field] === null)
  const channel = absent('channel') ? '' : raw.channel
  if (typeof channel !== 'string') fail('channel', channelRule('') as string)
  else if (!absent('channel')) {
    const broken = channelRule(channel)
    if (broken) fail('channel', broken)
  }
  const campaignId = absent('campaign_id') ? '' : requiredString(raw, 'campaign_id', id, fail)
  const adId = optionalString(raw, 'ad_id', id, fail)
  const clickId = optionalString(raw, 'click_id', id, fail)
  const userId = optionalString(raw, 'user_id', id, fail)
  const cost = parseMoney(raw, 'cost_micros', fail)

  const isConversion = type === 'conversion'
  const value = parseMoney(raw, 'value_micros', fail)
  let action: string | null = null
  if (type === 'conversion' || type === 'engagement') {
    const actionMax = ctx.maxActionLength ?? DEFAULT_CONTRACT.maxActionLength
    action = requiredString(raw, 'action', (v) => actionRule(type, v, actionMax), fail)
  } else if (raw.action !== undefined && raw.action !== null) fail('action', NO_ACTION)
  if (!isConversion && value !== null) fail('value_micros', NO_VALUE)

  // Any currency in circulation: the processor converts it at the rate of the
  // event's day, so a rate imported later still applies when a dead letter is replayed.
  let currency = ctx.reportingCurrency
  if (raw.currency !== undefined && raw.currency !== null) {
    const broken = typeof raw.currency === 'string' ? currencyRule(raw.currency) : currencyRule('')
    if (broken) fail('currency', broken)
    else currency = raw.currency as string
  }

  if (errors.length > 0) return { ok: false, errors, reason: reason ?? 'invalid_field' }
  return {
    ok: true,
    event: {
      event_id: eventId as string,
      type: type as EventType,
      occurred_at: occurredAt as number,
      channel: channel as string,
      campaign_id: campaignId as string,
      ad_id: adId,
      click_id: clickId,
      cost_micros: cost,
      value_micros: isConversion ? (value ?? 0n) : null,
      action,
      currency,
      user_id: userId,
      source: ctx.source,
      received_at: ctx.now,
    },
  }
}

type Fail = (field: string, expected: string, got?: unknown, reason?: RejectReason) => void
type Rule = (value: string) => string | null

function requiredString(raw: Record<string, unknown>, field: string, rule: Rule, fail: Fail): string | null {
  const value = raw[field]
  const broken = typeof value === 'string' ? rule(value) : rule('')
  if (typeof value !== 'string' || broken) {
    fail(field, broken as string)
    return null
  }
  return value
}

function optionalString(raw: Record<string, unknown>, field: string, rule: Rule, fail: Fail): string | null {
  if (raw[field] === undefined || raw[field] === null) return null
  return requiredString(raw, field, rule, fail)
}

/** A JSON integer, or a string of digits when larger than 2^53 - 1 (DESIGN.md, Events). */
function parseMoney(raw: Record<string, unknown>, field: string, fail: Fail): bigint | null {
  const value = raw[field]
  if (value === undefined || value === null) return null
  let micros: bigint | null = null
  if (typeof value === 'number' && Number.isSafeInteger(value)) micros = BigInt(value)
  else if (typeof value === 'string' && /^\d{1,19}$/.test(value)) micros = BigInt(value)
  if (micros === null || moneyRule(micros) !== null) {
    fail(field, MONEY_EXPECTED)
    return null
  }
  return micros
}

function parseEventTime(value: unknown, ctx: ValidationContext, fail: Fail): number | null {
  let ms: number
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      fail('occurred_at', 'epoch milliseconds as an integer, or an RFC 3339 string')
      return null
    }
    if (value < MIN_PLAUSIBLE_EPOCH_MS) {
      fail('occurred_at', 'epoch milliseconds (this looks like seconds)', value, 'seconds_not_milliseconds')
      return null
    }
    ms = value
  } else if (typeof value === 'string' && parseRfc3339(value) !== null) {
    ms = parseRfc3339(value) as number
  } else {
    fail('occurred_at', 'an RFC 3339 string such as 2026-11-22T10:00:00Z, or epoch milliseconds')
    return null
  }
  const outside = eventTimeRule(ms, ctx.now, ctx)
  if (outside) {
    fail('occurred_at', outside.expected, value, outside.reason)
    return null
  }
  return ms
}

/** Epoch ms of an RFC 3339 date-time (offset required, so no server time zone is ever assumed), else null. */
export function parseRfc3339(text: string): number | null {
  if (!RFC3339.test(text)) return null
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? null : ms
}

/** A short, safe rendering of what came, for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (typeof value === 'bigint') return String(value)
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
