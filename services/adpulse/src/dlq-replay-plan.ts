import {
  type AdEvent,
  checkEvent,
  type DeadLetterReason,
  type DeadLetterRecord,
  DecodeError,
  deadLetterReasonOf,
  type EventContract,
  validateEvent,
} from '@adpulse/events'

/** What deciding a replay needs: the contract in force now and the events codec. */
export interface ReplayContext {
  contract: EventContract
  /** The currency an ingest event without `currency` is in (as ingest reads it). */
  reportingCurrency: string
  codec: { decode(frame: Buffer): AdEvent; encode(event: AdEvent): Buffer }
}

/** A record for the events topic (key campaign_id, as ingest writes it), or why the dead letter stays. */
export type ReplayDecision =
  | { replay: true; key: string; value: Buffer; eventId: string }
  | { replay: false; cause: string }

/**
 * Whether a dead letter can go back to the events topic, and as what.
 *
 * - A processor dead letter keeps the record it read (`value_base64`): those
 *   exact bytes go back, keyed by the decoded campaign_id. `missing_rate` goes
 *   as it is (the rate must be imported first; the processor dead-letters it
 *   again while it is still missing). A refused event (`invalid_event`,
 *   `too_late`, `too_far_in_future`) goes only when the contract in force now
 *   accepts it, judged at its own received_at as the processor judges it.
 * - An ingest dead letter keeps the event as sent (`input`): it is validated
 *   again as ingest would at its original receipt, for its original source, and
 *   encoded when the contract now accepts it (a limit raised, say).
 *
 * The processor's dedup (source, campaign_id, event_id) keeps a replay from
 * counting an event twice within its horizon, so replaying again is harmless.
 */
export function decideReplay(record: DeadLetterRecord, ctx: ReplayContext): ReplayDecision {
  if (record.stage === 'processor') return replayProcessorRecord(record, ctx)
  return replayIngestInput(record, ctx)
}

function replayProcessorRecord(record: DeadLetterRecord, ctx: ReplayContext): ReplayDecision {
  const kept = 'value_base64' in record ? record.value_base64 : null
  if (kept === null) return { replay: false, cause: 'no original record kept' }
  const value = Buffer.from(kept, 'base64')
  let event: AdEvent
  try {
    event = ctx.codec.decode(value)
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err
    return { replay: false, cause: 'the kept record does not decode' }
  }
  if (record.reason !== 'missing_rate') {
    const checked = checkEvent(event, ctx.contract, event.received_at)
    if (!checked.ok) return stillRefused(deadLetterReasonOf(checked.reason))
  }
  return { replay: true, key: event.campaign_id, value, eventId: event.event_id }
}

function replayIngestInput(record: DeadLetterRecord, ctx: ReplayContext): ReplayDecision {
  const input = 'input' in record && !('input_chars' in record) ? record.input : undefined
  const receivedAt = record.received_at === null ? Number.NaN : Date.parse(record.received_at)
  if (typeof input !== 'object' || input === null || record.source === null || Number.isNaN(receivedAt)) {
    return { replay: false, cause: 'no event kept to validate again' }
  }
  const result = validateEvent(input, {
    now: receivedAt,
    ...ctx.contract,
    reportingCurrency: ctx.reportingCurrency,
    source: record.source,
  })
  if (!result.ok) return stillRefused(deadLetterReasonOf(result.reason))
  return {
    replay: true,
    key: result.event.campaign_id,
    value: ctx.codec.encode(result.event),
    eventId: result.event.event_id,
  }
}

const stillRefused = (reason: DeadLetterReason): ReplayDecision => ({
  replay: false,
  cause: `still refused by the contract in force (${reason})`,
})

/** What a replay did (or would do, dry): counts by reason, and by reason and cause for the skipped. */
export interface ReplayTally {
  replayed: Map<DeadLetterReason, number>
  skipped: Map<DeadLetterReason, Map<string, number>>
}

export function emptyTally(): ReplayTally {
  return { replayed: new Map(), skipped: new Map() }
}

export function countDecision(tally: ReplayTally, reason: DeadLetterReason, decision: ReplayDecision): void {
  if (decision.replay) {
    tally.replayed.set(reason, (tally.replayed.get(reason) ?? 0) + 1)
    return
  }
  const causes = tally.skipped.get(reason) ?? new Map<string, number>()
  causes.set(decision.cause, (causes.get(decision.cause) ?? 0) + 1)
  tally.skipped.set(reason, causes)
}

/**
 * The report: how many went back to which topic (or would, dry), then every
 * skipped count with its reason and cause.
 */
export function formatReplayReport(tally: ReplayTally, eventsTopic: string, dryRun: boolean): string {
  const sum = (counts: Iterable<number>) => [...counts].reduce((a, b) => a + b, 0)
  const replayed = sum(tally.replayed.values())
  const skipped = sum([...tally.skipped.values()].map((causes) => sum(causes.values())))
  const byReason = [...tally.replayed].map(([reason, n]) => `${reason} ${n}`).join(', ')
  const lines = [
    `${dryRun ? 'would replay' : 'replayed'} ${replayed} dead letter${replayed === 1 ? '' : 's'} to ${eventsTopic}` +
      (replayed > 0 ? ` (${byReason})` : '') +
      (dryRun ? '; dry run: nothing produced' : ''),
    `${dryRun ? 'would skip' : 'skipped'} ${skipped}${skipped > 0 ? ':' : ''}`,
  ]
  for (const [reason, causes] of tally.skipped) {
    for (const [cause, n] of causes) lines.push(`  ${reason}: ${n} ${cause}`)
  }
  return `${lines.join('\n')}\n`
}
