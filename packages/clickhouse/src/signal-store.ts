import type { Signal } from '@adpulse/events'
import { dateTime64, toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'

/** Keeps published signals for GET /v1/signals. */
export class SignalStore extends DatabaseStore {
  async insert(signals: Signal[]): Promise<void> {
    await this.insertRows(
      'signals',
      signals.map((s) => ({
        ...s,
        cut_below_roi: Number.isNaN(s.cut_below_roi) ? null : s.cut_below_roi,
        scale_above_roi: Number.isNaN(s.scale_above_roi) ? null : s.scale_above_roi,
        window_from: dateTime64(s.window_from),
        window_to: dateTime64(s.window_to),
        created_at: dateTime64(s.created_at),
      })),
    )
  }

  /** The newest signals first. */
  async recent(limit: number): Promise<Signal[]> {
    const rows = await this.select(
      `SELECT signal_id, action, scope, channel, campaign_id, ad_id, rule,
          toUnixTimestamp64Milli(window_from) AS window_from,
          toUnixTimestamp64Milli(window_to) AS window_to,
          toString(spend_micros) AS spend_micros,
          toString(revenue_micros) AS revenue_micros,
          conversions, roi, roi_lower, roi_upper, cut_below_roi, scale_above_roi,
          toString(min_spend_micros) AS min_spend_micros,
          budget_change_pct,
          toUnixTimestamp64Milli(created_at) AS created_at,
          condition, exit_condition, confidence
        FROM ${this.database}.signals FINAL
        ORDER BY created_at DESC, signal_id
        LIMIT {limit:UInt32}`,
      { limit },
    )
    return rows.map((row) => ({
      ...(row as unknown as Signal),
      window_from: toCount(row.window_from),
      window_to: toCount(row.window_to),
      conversions: toCount(row.conversions),
      created_at: toCount(row.created_at),
      cut_below_roi: row.cut_below_roi === null ? Number.NaN : Number(row.cut_below_roi),
      scale_above_roi: row.scale_above_roi === null ? Number.NaN : Number(row.scale_above_roi),
    }))
  }
}
