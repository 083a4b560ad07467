import type { Signal } from '@adpulse/events'
import type { ClickHouseClient } from '@clickhouse/client'
import { toCount } from './client.ts'

/** Keeps published signals for GET /v1/signals. */
export class SignalStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async insert(signals: Signal[]): Promise<void> {
    if (signals.length === 0) return
    await this.client.insert({
      table: `${this.database}.signals`,
      format: 'JSONEachRow',
      values: signals.map((s) => ({
        ...s,
        window_from: dateTime64(s.window_from),
        window_to: dateTime64(s.window_to),
        created_at: dateTime64(s.created_at),
      })),
    })
  }

  /** The newest signals first. */
  async recent(limit: number): Promise<Signal[]> {
    const result = await this.client.query({
      query: `SELECT signal_id, action, scope, channel, campaign_id, rule,
          toUnixTimestamp64Milli(window_from) AS window_from,
          toUnixTimestamp64Milli(window_to) AS window_to,
          toString(spend_micros) AS spend_micros,
          toString(revenue_micros) AS revenue_micros,
          conversions, roi, roi_lower, roi_upper, cut_below_roi, scale_above_roi,
          toString(min_spend_micros) AS min_spend_micros,
          budget_change_pct,
          toUnixTimestamp64Milli(created_at) AS created_at
        FROM ${this.database}.signals FINAL
        ORDER BY created_at DESC, signal_id
        LIMIT {limit:UInt32}`,
      query_params: { limit },
      format: 'JSONEachRow',
    })
    const rows = await result.json<Record<string, unknown>>()
    return rows.map((row) => ({
      ...(row as unknown as Signal),
      window_from: toCount(row.window_from),
      window_to: toCount(row.window_to),
      conversions: toCount(row.conversions),
      created_at: toCount(row.created_at),
    }))
  }
}

/** Epoch ms as a DateTime64(3, 'UTC') literal: `2026-11-22 10:00:00.000`. */
const dateTime64 = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
