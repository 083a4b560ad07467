/**
 * Signal schema v3 (ad-level decisions, PAUSE_AD and PROMOTE_AD): the signals
 * table keeps the ad a signal is about. Nullable, as on the topic: NULL on a
 * channel or campaign signal and on every row written before. `action` and
 * `scope` are LowCardinality(String) already, so the new symbols need nothing.
 * One self-contained step, spliced into MIGRATIONS after the kpi detail steps.
 */
export const SIGNAL_AD_MIGRATIONS: ReadonlyArray<(db: string, onCluster: string) => string> = [
  (db, onCluster) => `ALTER TABLE ${db}.signals${onCluster}
    ADD COLUMN IF NOT EXISTS ad_id Nullable(String) AFTER campaign_id`,
]
