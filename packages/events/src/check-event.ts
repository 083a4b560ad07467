import {
  actionRule,
  channelRule,
  currencyRule,
  type EventContract,
  eventTimeRule,
  idRule,
  mayOmitCreditKeys,
  moneyRule,
  NO_ACTION,
  NO_VALUE,
} from './contract.ts'
import { type AdEvent, EVENT_TYPES, type FieldError } from './event.ts'
import { describe, type ValidationResult } from './validate.ts'

/** Every id field of a decoded event, with whether it may be absent. */
const ID_FIELDS = [
  ['event_id', false],
  ['campaign_id', false],
  ['source', false],
  ['ad_id', true],
  ['click_id', true],
  ['user_id', true],
] as const

/**
 * Checks an event already normalised (decoded from the events topic) against
 * the same contract rules validateEvent applies to raw JSON: the rules Avro's
 * types cannot carry. Its time is judged against `receivedAt` (the processor
 * passes the event's received_at, so a replay decides as ingest did).
 * Every problem is reported; `reason` is the kind of the first.
 */
export function checkEvent(event: AdEvent, contract: EventContract, receivedAt: number): ValidationResult {
  // No closure here: this runs once per event the processor reads (a per-event hot path).
  const errors: FieldError[] = []
  // A postback with only a click_id carries channel and campaign_id as '' (attribution fills them).
  const creditOptional = mayOmitCreditKeys(event.type, event.click_id)
  for (let i = 0; i < ID_FIELDS.length; i++) {
    const [field, optional] = ID_FIELDS[i] as (typeof ID_FIELDS)[number]
    const value = event[field]
    if (value === null && optional) continue
    if (field === 'campaign_id' && value === '' && creditOptional) continue
    report(errors, field, value, idRule(value ?? '', contract.maxIdLength))
  }
  if (!(EVENT_TYPES as readonly string[]).includes(event.type)) {
    report(errors, 'type', event.type, `one of ${EVENT_TYPES.join(', ')}`)
  }
  if (!(event.channel === '' && creditOptional))
    report(errors, 'channel', event.channel, channelRule(event.channel))
  if (event.cost_micros !== null)
    report(errors, 'cost_micros', event.cost_micros, moneyRule(event.cost_micros))
  if (event.type === 'conversion' || event.type === 'engagement') {
    report(
      errors,
      'action',
      event.action,
      actionRule(event.type, event.action ?? '', contract.maxActionLength),
    )
  } else if (event.action !== null) report(errors, 'action', event.action, NO_ACTION)
  if (event.value_micros !== null) {
    const isConversion = event.type === 'conversion'
    report(
      errors,
      'value_micros',
      event.value_micros,
      isConversion ? moneyRule(event.value_micros) : NO_VALUE,
    )
  }
  report(errors, 'currency', event.currency, currencyRule(event.currency))
  // A time outside the window names the reason only of an event otherwise valid,
  // as the processor always did: invalid values first.
  const invalid = errors.length > 0
  const outside = eventTimeRule(event.occurred_at, receivedAt, contract)
  if (outside) report(errors, 'occurred_at', event.occurred_at, outside.expected)
  if (errors.length === 0) return { ok: true, event }
  return { ok: false, errors, reason: !invalid && outside ? outside.reason : 'invalid_field' }
}

/** Adds the problem of `field` to `errors` when its rule found one (`broken`: what was expected). */
function report(errors: FieldError[], field: string, value: unknown, broken: string | null): void {
  if (broken) errors.push({ field, expected: broken, got: describe(value) })
}
