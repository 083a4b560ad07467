/** CUT and SCALE change a channel's or campaign's budget; PAUSE_AD and PROMOTE_AD judge an ad against its campaign's others (schema v3). */
export type SignalAction = 'CUT' | 'SCALE' | 'PAUSE_AD' | 'PROMOTE_AD'
export type SignalScope = 'channel' | 'campaign' | 'ad'

/** A decision published on the signals topic (Avro SIGNAL_V3); see DESIGN.md, Signals. */
export interface Signal {
  /** Deterministic: the same decision on the same data always has the same id, so consumers can drop repeats. */
  signal_id: string
  action: SignalAction
  scope: SignalScope
  channel: string
  campaign_id: string | null
  rule: string
  window_from: number
  window_to: number
  spend_micros: string
  revenue_micros: string
  conversions: number
  roi: number | null
  roi_lower: number | null
  roi_upper: number | null
  /** ROI threshold of a CUT rule's condition; NaN when the rule does not compare ROI with a number. */
  cut_below_roi: number
  /** ROI threshold of a SCALE rule's condition; NaN when the rule does not compare ROI with a number. */
  scale_above_roi: number
  min_spend_micros: string
  /** Suggested budget change in percent: -100 pauses, +20 raises by a fifth. */
  budget_change_pct: number
  created_at: number
  /** The rule condition that held (schema v2; '' when read from v1). */
  condition: string
  /** The condition that ends the state (schema v2). */
  exit_condition: string
  /** One-sided confidence of the bounds the rule decided on (schema v2; 0 from v1). */
  confidence: number
  /** The ad of an ad-scoped signal (schema v3); null on a channel or campaign signal, and when read from v1 or v2. */
  ad_id: string | null
}

/**
 * A signal as JSON: a threshold the rule does not have is NaN in the record and
 * null in JSON (JSON has no NaN). Use as the replacer of JSON.stringify.
 */
export const signalJsonReplacer = (_key: string, value: unknown): unknown =>
  typeof value === 'number' && Number.isNaN(value) ? null : value
