import type { MigrationTarget } from './migrations.ts'

/** The parts of a statement that differ between one server and a cluster. */
export interface Ddl {
  /** ` ON CLUSTER 'name'`, or empty. */
  onCluster: string
  engine(name: 'MergeTree' | 'ReplacingMergeTree' | 'SummingMergeTree'): string
  /** The setting that keeps recent insert deduplication tokens (replayed batches are no-ops). */
  dedupWindow: string
}

/** One server (plain engines) or every replica of a cluster (ON CLUSTER, Replicated engines). */
export function ddlFor(target: MigrationTarget): Ddl {
  const { cluster } = target
  if (cluster === undefined) {
    return { onCluster: '', engine: (name) => name, dedupWindow: 'non_replicated_deduplication_window' }
  }
  return {
    onCluster: ` ON CLUSTER '${cluster}'`,
    // No arguments: the servers' default_replica_path (/clickhouse/tables/{uuid}/{shard}) and default_replica_name ({replica}).
    engine: (name) => `Replicated${name}`,
    dedupWindow: 'replicated_deduplication_window',
  }
}
