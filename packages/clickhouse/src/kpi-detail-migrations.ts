import { bucketsFromRaw } from './bucket-shapes.ts'

/**
 * kpi_buckets keeps an event's detail (steps 17 and 18): buckets per ad, action
 * and source beside channel, campaign, minute and Kafka partition, with the
 * engagements and the time of their first and last event (GET /v1/campaigns).
 *
 * What an upgrade does to the buckets already there: nothing is rewritten. Old
 * rows read ad_id, action and source as '' and engagements as 0 (there were
 * none), and their first and last event time as their minute; every sum
 * (sums(), rows()) stays what it was. `adpulse rebuild` recomputes the days
 * still in events_raw with their detail; older days keep '' (docs/exactly-once.md).
 *
 * The view moves to the new SELECT with ALTER … MODIFY QUERY, in place, so no
 * INSERT into events_raw finds it missing (a DROP and CREATE would lose the
 * buckets of an insert landing between the two, and creating the new view
 * before dropping the old would count such an insert twice). An insert already
 * running when the query changes may still be summarised by the old SELECT:
 * its buckets have every sum right and the detail ''. To have none of those,
 * upgrade with the processors stopped, or rebuild the upgrade's day afterwards.
 */
export const DETAIL_MIGRATIONS: ReadonlyArray<(db: string, onCluster: string) => string> = [
  // 17. The columns, and the new keys appended to the sorting key. ClickHouse
  //     accepts in a sorting key only columns added by the same ALTER, and
  //     without a DEFAULT expression ('' is their type's default anyway); run
  //     again after a crash, the columns exist and the ORDER BY is the one the
  //     table has already, which ClickHouse accepts as no change. The primary
  //     key (what the index covers) stays (channel, campaign_id, minute, topic,
  //     partition): the queries filter on a channel or a campaign and a range of
  //     minutes, the ad's bloom filter serves an ad_id= without its campaign.
  (db, onCluster) => `ALTER TABLE ${db}.kpi_buckets${onCluster}
    ADD COLUMN IF NOT EXISTS ad_id String AFTER partition,
    ADD COLUMN IF NOT EXISTS action LowCardinality(String) AFTER ad_id,
    ADD COLUMN IF NOT EXISTS source LowCardinality(String) AFTER action,
    ADD COLUMN IF NOT EXISTS engagements UInt64 DEFAULT 0 AFTER conversions,
    ADD COLUMN IF NOT EXISTS first_event_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')) DEFAULT minute,
    ADD COLUMN IF NOT EXISTS last_event_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')) DEFAULT minute,
    ADD INDEX IF NOT EXISTS ad_id_bloom ad_id TYPE bloom_filter GRANULARITY 4,
    MODIFY ORDER BY (channel, campaign_id, minute, topic, partition, ad_id, action, source)`,
  // 18. The view summarises with the new SELECT (bucket-shapes.ts, version 2).
  (db, onCluster) => `ALTER TABLE ${db}.kpi_buckets_mv${onCluster} MODIFY QUERY ${bucketsFromRaw(db, '')}`,
]
