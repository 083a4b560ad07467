import type { DeadLetterReason, DeadLetterStage } from '@adpulse/events'
import { Counter, type Registry } from 'prom-client'

export type { DeadLetterStage } from '@adpulse/events'

/** Counts records sent to the dead-letter topic; call once a send is acknowledged. */
export type DeadLetterCount = (reason: DeadLetterReason, records?: number) => void

const NAME = 'adpulse_dead_letters_total'

/**
 * `adpulse_dead_letters_total{stage, reason}`: one counter for every stage, so
 * "DLQ rate" is one sum. Several stages share one registry in the all-in-one
 * process, hence get-or-create. `reason` is the record's own, from the closed
 * DeadLetterReason list (packages/events), so the label and the record always
 * agree; `initialReasons` are exported at 0 from the start, so a rate over them
 * exists before the first dead letter.
 */
export function deadLetterCounter(
  registry: Registry,
  stage: DeadLetterStage,
  initialReasons: readonly DeadLetterReason[] = [],
): DeadLetterCount {
  const existing = registry.getSingleMetric(NAME)
  const counter =
    existing instanceof Counter
      ? (existing as Counter<'stage' | 'reason'>)
      : new Counter({
          name: NAME,
          help: 'Records sent to the dead-letter topic, by stage and reason (the reason of the record, a closed list: docs/dead-letters.md).',
          labelNames: ['stage', 'reason'],
          registers: [registry],
        })
  for (const reason of initialReasons) counter.inc({ stage, reason }, 0)
  return (reason, records = 1) => {
    if (records > 0) counter.inc({ stage, reason }, records)
  }
}
