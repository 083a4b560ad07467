import { attachAlerter } from '@adpulse/alerter'
import type { AdpulseConfig } from '@adpulse/config'
import { attachIngest } from '@adpulse/ingest'
import type { Logger } from '@adpulse/observability'
import { attachProcessor } from '@adpulse/processor'
import { type RunningProcess, runProcess } from '@adpulse/runtime'

/**
 * ingest, processor and alerter in one process on one port: the embedded
 * default (chDB allows one data directory per process, so they share it).
 */
export function startAllInOne(config: AdpulseConfig, logger: Logger): Promise<RunningProcess> {
  return runProcess({
    name: 'adpulse',
    config,
    logger,
    services: [attachIngest, attachProcessor, attachAlerter],
    withClickHouse: true,
  })
}
