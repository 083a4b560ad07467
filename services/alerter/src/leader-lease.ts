import type { KafkaClient } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'

export interface LeaderLease {
  /** True while this instance holds the lease partition. */
  isLeader(): boolean
  stop(): Promise<void>
}

/**
 * One publisher among several alerter instances, with Kafka as the referee:
 * all join one consumer group on a one-partition topic that carries no records,
 * and the member assigned its partition leads. When it dies or leaves, the
 * group rebalances and another member takes over. Signal ids are deterministic
 * and the state is in ClickHouse, so a handover neither repeats nor forgets.
 */
export async function acquireLeaderLease(
  kafka: Pick<KafkaClient, 'consume'>,
  options: { groupId: string; topic: string; logger: Logger; onChange?(leader: boolean): void },
): Promise<LeaderLease> {
  let leader = false
  const consumer = await kafka.consume({
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: false,
    onBatch: async () => undefined,
    onAssignment: (assignment) => {
      const now = assignment.some((a) => a.topic === options.topic && a.partitions.includes(0))
      if (now !== leader) {
        leader = now
        options.logger.info({ leader }, leader ? 'this alerter leads' : 'this alerter stands by')
        options.onChange?.(leader)
      }
    },
  })
  return {
    isLeader: () => leader,
    async stop() {
      leader = false
      await consumer.stop()
    },
  }
}
