import { describe, expect, it } from 'vitest'
import { schemaStatements } from './migrations.ts'

describe('schemaStatements', () => {
  it('creates plain MergeTree tables on one server by default', () => {
    const statements = schemaStatements('adpulse')
    expect(statements).toHaveLength(32)
    expect(statements.join('\n')).not.toContain('ON CLUSTER')
    expect(statements.join('\n')).not.toContain('Replicated')
    expect(statements[2]).toContain('ENGINE = MergeTree')
    expect(statements[2]).toContain('SETTINGS non_replicated_deduplication_window = 10000')
    expect(statements[3]).toContain('ENGINE = ReplacingMergeTree')
    // kpi_buckets: summed on merge, deduplicated like the raw table it follows.
    expect(statements[9]).toContain('ENGINE = SummingMergeTree')
    expect(statements[9]).toContain('non_replicated_deduplication_window = 10000')
  })

  it('creates every table ON CLUSTER with the Replicated engines when a cluster is named', () => {
    const statements = schemaStatements('adpulse', { cluster: 'adpulse_cluster' })
    for (const statement of statements) expect(statement).toContain("ON CLUSTER 'adpulse_cluster'")
    expect(statements[0]).toBe("CREATE DATABASE IF NOT EXISTS adpulse ON CLUSTER 'adpulse_cluster'")
    expect(statements[1]).toContain('ENGINE = ReplicatedReplacingMergeTree ORDER BY version')
    // Replayed batches stay no-ops: the deduplication window of replicated tables.
    expect(statements[2]).toContain('ENGINE = ReplicatedMergeTree')
    expect(statements[2]).toContain('SETTINGS replicated_deduplication_window = 10000')
    expect(statements[3]).toContain('ENGINE = ReplicatedReplacingMergeTree')
    expect(statements[9]).toContain('ENGINE = ReplicatedSummingMergeTree')
    expect(statements[9]).toContain('replicated_deduplication_window = 10000')
  })

  it("keeps an event's ids in events_raw, as nullable strings added to older databases (16)", () => {
    for (const [target, onCluster] of [
      [{}, ''],
      [{ cluster: 'c' }, " ON CLUSTER 'c'"],
    ] as const) {
      // Step 16, after the two setup statements.
      const ids = schemaStatements('adpulse', target)[2 + 15]
      expect(ids).toContain(`ALTER TABLE adpulse.events_raw${onCluster}`)
      for (const column of ['ad_id', 'click_id', 'user_id']) {
        expect(ids).toContain(`ADD COLUMN IF NOT EXISTS ${column} Nullable(String)`)
      }
      expect(ids).not.toContain('LowCardinality')
    }
  })

  it('keeps the ad, action and source of the buckets, appended to their sorting key (17), and moves the view in place (18)', () => {
    for (const [target, onCluster] of [
      [{}, ''],
      [{ cluster: 'c' }, " ON CLUSTER 'c'"],
    ] as const) {
      const statements = schemaStatements('adpulse', target)
      const detail = statements[2 + 16]
      expect(detail).toContain(`ALTER TABLE adpulse.kpi_buckets${onCluster}`)
      // Key columns without a DEFAULT expression: ClickHouse refuses one in a sorting key added by ALTER.
      expect(detail).toContain('ADD COLUMN IF NOT EXISTS ad_id String AFTER')
      expect(detail).toContain(
        'MODIFY ORDER BY (channel, campaign_id, minute, topic, partition, ad_id, action, source)',
      )
      expect(detail).toContain('first_event_at SimpleAggregateFunction(min, DateTime64(3')
      const view = statements[2 + 17]
      expect(view).toContain(`ALTER TABLE adpulse.kpi_buckets_mv${onCluster} MODIFY QUERY SELECT`)
      expect(view).toContain("countIf(type = 'engagement') AS engagements")
      // Step 9 keeps the SELECT it was published with: a new database runs it before the columns exist.
      expect(statements[2 + 8]).toContain('CREATE MATERIALIZED VIEW IF NOT EXISTS adpulse.kpi_buckets_mv')
      expect(statements[2 + 8]).not.toContain('ad_id')
    }
  })

  it("keeps a signal's ad, a nullable string added to older databases (21)", () => {
    for (const [target, onCluster] of [
      [{}, ''],
      [{ cluster: 'c' }, " ON CLUSTER 'c'"],
    ] as const) {
      const step = schemaStatements('adpulse', target)[2 + 20]
      expect(step).toContain(`ALTER TABLE adpulse.signals${onCluster}`)
      expect(step).toContain('ADD COLUMN IF NOT EXISTS ad_id Nullable(String) AFTER campaign_id')
    }
  })

  it('keeps what a conversion reported, indexes clicks by click_id and moves the view to buckets of version 3 (22-29)', () => {
    for (const [target, onCluster] of [
      [{}, ''],
      [{ cluster: 'c' }, " ON CLUSTER 'c'"],
    ] as const) {
      const steps = schemaStatements('adpulse', target).slice(2 + 21)
      expect(steps[0]).toContain(`ALTER TABLE adpulse.events_raw${onCluster}`)
      expect(steps[0]).toContain('reported_campaign_id String DEFAULT campaign_id')
      expect(steps[1]).toContain('attributed_revenue_micros Int128 DEFAULT 0')
      expect(steps[2]).toContain(`CREATE TABLE IF NOT EXISTS adpulse.clicks_by_id${onCluster}`)
      expect(steps[3]).toContain(`CREATE MATERIALIZED VIEW IF NOT EXISTS adpulse.clicks_by_id_mv${onCluster}`)
      expect(steps[4]).toContain(`CREATE TABLE IF NOT EXISTS adpulse.clicks_by_id_backfill${onCluster}`)
      expect(steps[5]).toContain('ATTACH PARTITION tuple() FROM adpulse.clicks_by_id_backfill')
      expect(steps[7]).toContain(`ALTER TABLE adpulse.kpi_buckets_mv${onCluster} MODIFY QUERY SELECT`)
      expect(steps[7]).toContain("attribution != 'waiting'")
    }
  })
})
