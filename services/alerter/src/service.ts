import { readFile } from 'node:fs/promises'
import { audiencesInForce } from '@adpulse/audiences'
import { AudiencePublishedStore, AudienceStore } from '@adpulse/clickhouse'
import { createAudienceChangeCodec } from '@adpulse/events'
import type { ServiceAttach } from '@adpulse/runtime'
import { startAlerter } from './alerter.ts'
import { startAudiencePublisher } from './audience-publisher.ts'
import { acquireLeaderLease } from './leader-lease.ts'
import { loadRules } from './rules-file.ts'
import { registerSignalRoutes } from './signal-routes.ts'

/**
 * alerter: rules over rolling windows → the signals topic, and GET /v1/signals;
 * audience membership changes → the audiences topic. One instance leads.
 */
export const attachAlerter: ServiceAttach = async (ctx) => {
  if (!ctx.clickhouse) throw new Error('alerter needs ClickHouse')
  const { clickhouse, config } = ctx
  const rules = await loadRules(config.alerter)
  ctx.logger.info({ rules: rules.map((r) => r.name) }, 'alerter rules loaded')
  let reload = () => {}
  const lease = await acquireLeaderLease(ctx.kafka, {
    groupId: config.alerter.groupId,
    topic: config.kafka.topics.alerterLease,
    logger: ctx.logger,
    // A new leader reads the states its predecessor saved before deciding.
    onChange: (leader) => {
      if (leader) reload()
    },
  })
  const alerter = await startAlerter({
    ...ctx,
    rules,
    kpis: clickhouse.kpis,
    signals: clickhouse.signals,
    progress: clickhouse.progress,
    states: clickhouse.alerterState,
    isLeader: lease.isLeader,
  })
  reload = alerter.reloadStates
  const audiences = await audiencesInForce(config.audiences.file, (path) => readFile(path, 'utf8'))
  const { database } = config.clickhouse
  const publisher =
    audiences.length === 0
      ? undefined
      : startAudiencePublisher({
          audiences,
          members: new AudienceStore(clickhouse.client, database),
          published: new AudiencePublishedStore(clickhouse.client, database),
          producer: ctx.producer,
          codec: createAudienceChangeCodec(ctx.schemas.audiences),
          topic: config.kafka.topics.audiences,
          intervalMs: config.audiences.publishIntervalMs,
          isLeader: lease.isLeader,
          logger: ctx.logger,
        })
  registerSignalRoutes(ctx.app, clickhouse.signals, alerter.status)
  return {
    async stop() {
      await publisher?.stop()
      await alerter.stop()
      await lease.stop()
    },
  }
}
