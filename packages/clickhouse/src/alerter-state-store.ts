import { dateTime64, toCount } from './client.ts'
import { DatabaseStore } from './database-store.ts'

/** What the alerter remembers of one rule and entity (mirrors RuleState of @adpulse/rules). */
export interface StoredRuleState {
  rule: string
  entity: string
  active: boolean
  lastSignalAt: number | null
  totalChangePct: number
}

/** alerter_state: so that a restarted or newly elected alerter neither repeats nor forgets. */
export class AlerterStateStore extends DatabaseStore {
  async save(states: StoredRuleState[], now: number): Promise<void> {
    await this.insertRows(
      'alerter_state',
      states.map((s) => ({
        rule: s.rule,
        entity: s.entity,
        active: s.active ? 1 : 0,
        last_signal_at: s.lastSignalAt === null ? null : dateTime64(s.lastSignalAt),
        total_change_pct: s.totalChangePct,
        updated_at: dateTime64(now),
      })),
    )
  }

  async load(): Promise<StoredRuleState[]> {
    const rows = await this.select(
      `SELECT rule, entity,
          argMax(active, updated_at) AS active,
          toUnixTimestamp64Milli(argMax(last_signal_at, updated_at)) AS last_signal_at,
          argMax(total_change_pct, updated_at) AS total_change_pct
        FROM ${this.database}.alerter_state
        GROUP BY rule, entity`,
    )
    return rows.map((row) => ({
      rule: String(row.rule),
      entity: String(row.entity),
      active: toCount(row.active) === 1,
      lastSignalAt: row.last_signal_at === null ? null : toCount(row.last_signal_at),
      totalChangePct: toCount(row.total_change_pct),
    }))
  }
}
