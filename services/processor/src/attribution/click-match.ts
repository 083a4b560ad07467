/**
 * Last-click attribution by click_id (docs/attribution.md): the pure rule, a
 * function of the events alone, so that every owner of a partition and every
 * replay decides the same credit.
 */

/** A click as attribution needs it (from the same batch, or clicks_by_id). */
export interface Click {
  event_id: string
  click_id: string
  /** Event time, epoch ms. */
  occurred_at: number
  /** Ingest receipt, epoch ms: a click received after the conversion's wait never matches. */
  received_at: number
  channel: string
  campaign_id: string
  ad_id: string | null
}

/** What a conversion with a click_id is judged by. */
export interface PendingConversion {
  click_id: string
  occurred_at: number
  received_at: number
}

export interface AttributionRule {
  /** ADPULSE_ATTRIBUTION_WINDOW: a click at most this long before the conversion. */
  windowMs: number
  /** ADPULSE_ATTRIBUTION_WAIT: a click received at most this long after the conversion. */
  waitMs: number
}

/**
 * A click credits a conversion when it has the same click_id, occurred at or
 * before it and within the window, and was received no later than the
 * conversion's receipt plus the wait. The last condition is what makes the rule
 * input-determined: a click that came after the wait would have been too late
 * had the conversion been processed on time, so it is too late on a replay too.
 */
export function clickMatches(click: Click, conversion: PendingConversion, rule: AttributionRule): boolean {
  return (
    click.click_id === conversion.click_id &&
    click.occurred_at <= conversion.occurred_at &&
    conversion.occurred_at - click.occurred_at <= rule.windowMs &&
    click.received_at <= conversion.received_at + rule.waitMs
  )
}

/** The last matching click: the latest event time, ties to the smallest event_id; null when none matches. */
export function lastClick(
  clicks: Iterable<Click>,
  conversion: PendingConversion,
  rule: AttributionRule,
): Click | null {
  let best: Click | null = null
  for (const click of clicks) {
    if (!clickMatches(click, conversion, rule)) continue
    if (
      best === null ||
      click.occurred_at > best.occurred_at ||
      (click.occurred_at === best.occurred_at && click.event_id < best.event_id)
    ) {
      best = click
    }
  }
  return best
}

/** Where a conversion with a click_id stands. */
export type Credit = { kind: 'click'; click: Click } | { kind: 'waiting' } | { kind: 'unattributed' }

/**
 * The credit of a conversion given the clicks known now and `settledThrough`:
 * the receipt time through which every click is written (every partition of the
 * events topic has been written past what the broker held at that instant, less
 * the produce slack; settlement.ts). Without a matching click the conversion is
 * unattributed only once every click that could still match is written, so the
 * answer never depends on when it was asked.
 */
export function creditOf(
  conversion: PendingConversion,
  clicks: Iterable<Click>,
  rule: AttributionRule,
  settledThrough: number,
): Credit {
  const click = lastClick(clicks, conversion, rule)
  if (click) return { kind: 'click', click }
  return conversion.received_at + rule.waitMs <= settledThrough
    ? { kind: 'unattributed' }
    : { kind: 'waiting' }
}
