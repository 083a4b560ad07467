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
  const found = new FieldErrors(raw)
  const idMax = ctx.maxIdLength ?? DEFAULT_CONTRACT.maxIdLength

  const eventId = requiredString(found, 'event_id', idRule, idMax)
  const type = raw.type
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    found.fail('type', `one of ${EVENT_TYPES.join(', ')}`)
  }
  const occurredAt = parseEventTime(raw.occurred_at, ctx, found)
  // A postback with only a click_id: its channel and campaign come from its click (travel as '').
  const validClickId =
    typeof raw.click_id === 'string' && idRule(raw.click_id, idMax) === null ? raw.click_id : null
  const creditOptional = mayOmitCreditKeys(type as string, validClickId)
  const channelAbsent = creditOptional && isAbsent(raw.channel)
  const channel = channelAbsent ? '' : raw.channel
  if (typeof channel !== 'string') found.fail('channel', channelRule('') as string)
  else if (!channelAbsent) {
    const broken = channelRule(channel)
    if (broken) found.fail('channel', broken)
  }
  const campaignId =
    creditOptional && isAbsent(raw.campaign_id) ? '' : requiredString(found, 'campaign_id', idRule, idMax)
  const adId = optionalString(found, 'ad_id', idRule, idMax)
  const clickId = optionalString(found, 'click_id', idRule, idMax)
  const userId = optionalString(found, 'user_id', idRule, idMax)
  const cost = parseMoney(found, 'cost_micros')

  const isConversion = type === 'conversion'
  const value = parseMoney(found, 'value_micros')
  let action: string | null = null
  if (type === 'conversion' || type === 'engagement') {
    const actionMax = ctx.maxActionLength ?? DEFAULT_CONTRACT.maxActionLength
    action = requiredString(found, 'action', ACTION_RULES[type], actionMax)
  } else if (!isAbsent(raw.action)) found.fail('action', NO_ACTION)
  if (!isConversion && value !== null) found.fail('value_micros', NO_VALUE)

  // Any currency in circulation: the processor converts it at the rate of the
  // event's day, so a rate imported later still applies when a dead letter is replayed.
  let currency = ctx.reportingCurrency
  if (raw.currency !== undefined && raw.currency !== null) {
    const broken = typeof raw.currency === 'string' ? currencyRule(raw.currency) : currencyRule('')
    if (broken) found.fail('currency', broken)
    else currency = raw.currency as string
  }

  if (found.errors.length > 0)
    return { ok: false, errors: found.errors, reason: found.reason ?? 'invalid_field' }
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

/**
 * The errors found in one event, and the reason of the first. A class, not
 * closures made per event: the service runs under tsx, whose esbuild output
 * names every closure it creates (a `__name` call each), which was most of
 * validation's time under load (docs/benchmarks.md, Ingest).
 */
class FieldErrors {
  readonly errors: FieldError[] = []
  reason: RejectReason | undefined

  constructor(readonly raw: Record<string, unknown>) {}

  fail(field: string, expected: string, got: unknown = this.raw[field], kind?: RejectReason): void {
    this.reason ??= kind ?? (got === undefined ? 'missing_field' : 'invalid_field')
    this.errors.push({ field, expected, got: describe(got) })
  }
}

/** A string field's rule: what is expected of it, or null when it holds. */
type Rule = (value: string, maxLength: number) => string | null

const ACTION_RULES: Record<'conversion' | 'engagement', Rule> = {
  conversion: (value, maxLength) => actionRule('conversion', value, maxLength),
  engagement: (value, maxLength) => actionRule('engagement', value, maxLength),
}

const isAbsent = (value: unknown): boolean => value === undefined || value === null

function requiredString(found: FieldErrors, field: string, rule: Rule, maxLength: number): string | null {
  const value = found.raw[field]
  const broken = rule(typeof value === 'string' ? value : '', maxLength)
  if (typeof value !== 'string' || broken) {
    found.fail(field, broken as string)
    return null
  }
  return value
}

function optionalString(found: FieldErrors, field: string, rule: Rule, maxLength: number): string | null {
  if (isAbsent(found.raw[field])) return null
  return requiredString(found, field, rule, maxLength)
}

/** A JSON integer, or a string of digits when larger than 2^53 - 1 (DESIGN.md, Events). */
function parseMoney(found: FieldErrors, field: string): bigint | null {
  const value = found.raw[field]
  if (value === undefined || value === null) return null
  let micros: bigint | null = null
  if (typeof value === 'number' && Number.isSafeInteger(value)) micros = BigInt(value)
  else if (typeof value === 'string' && /^\d{1,19}$/.test(value)) micros = BigInt(value)
  if (micros === null || moneyRule(micros) !== null) {
    found.fail(field, MONEY_EXPECTED)
    return null
  }
  return micros
}

function parseEventTime(value: unknown, ctx: ValidationContext, found: FieldErrors): number | null {
  let ms: number
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      found.fail('occurred_at', 'epoch milliseconds as an integer, or an RFC 3339 string')
      return null
    }
    if (value < MIN_PLAUSIBLE_EPOCH_MS) {
      found.fail(
        'occurred_at',
        'epoch milliseconds (this looks like seconds)',
        value,
        'seconds_not_milliseconds',
      )
      return null
    }
    ms = value
  } else {
    const parsed = typeof value === 'string' ? parseRfc3339(value) : null
    if (parsed === null) {
      found.fail('occurred_at', 'an RFC 3339 string such as 2026-11-22T10:00:00Z, or epoch milliseconds')
      return null
    }
    ms = parsed
  }
  const outside = eventTimeRule(ms, ctx.now, ctx)
  if (outside) {
    found.fail('occurred_at', outside.expected, value, outside.reason)
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
