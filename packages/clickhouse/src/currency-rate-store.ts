import type { DayRate } from '@adpulse/pricing'
import { dateTime64 } from './client.ts'
import { DatabaseStore } from './database-store.ts'

/** One rate of currency_rates: the rate of a rates file (DayRate), as stored in Decimal(38, 18). */
export type StoredRate = DayRate

/** currency_rates: written by `adpulse rates import`, read by every processor. */
export class CurrencyRateStore extends DatabaseStore {
  /**
   * Writes rates; a (currency, day) already in the table is replaced, since
   * readers take the row with the newest `updatedAt`. One INSERT: all or nothing.
   */
  async upsert(rates: readonly StoredRate[], updatedAt: number = Date.now()): Promise<void> {
    await this.insertRows(
      'currency_rates',
      // Decimals as strings: a JSON number would be a double on the way in.
      rates.map((r) => ({ ...r, updated_at: dateTime64(updatedAt) })),
    )
  }

  /**
   * Every rate, the newest of each (currency, day): argMax rather than FINAL,
   * so the answer is right whether or not ClickHouse merged the parts yet.
   * A year of 160 currencies is about 58,000 rows.
   */
  async readAll(): Promise<StoredRate[]> {
    // toString: a Decimal in JSON output is an unquoted number, which JSON.parse would round.
    return this.select<StoredRate>(
      `SELECT currency, toString(day) AS day, toString(argMax(rate, updated_at)) AS rate
        FROM ${this.database}.currency_rates
        GROUP BY currency, day
        ORDER BY currency, day`,
    )
  }
}
