import { AttributionStore, AudienceStore, CurrencyRateStore, UserDeletionStore } from '@adpulse/clickhouse'
import type { ServiceAttach } from '@adpulse/runtime'
import { registerAudienceRoutes } from './audiences/audience-routes.ts'
import { loadAudiences } from './audiences/audiences-file.ts'
import { registerUserRoutes } from './audiences/user-routes.ts'
import { CurrencyRates } from './currency-rates.ts'
import { loadPricingFile } from './pricing-file.ts'
import { startProcessor } from './processor.ts'
import { startProgressReporter } from './progress-reporter.ts'
import { registerAttributionRoutes } from './query/attribution-routes.ts'
import { registerCampaignRoutes } from './query/campaign-routes.ts'
import { registerExperimentRoutes } from './query/experiment-routes.ts'
import { registerFreshnessRoutes } from './query/freshness-routes.ts'
import { registerKpiRoutes } from './query/kpi-routes.ts'

/**
 * processor: the events topic → minute buckets in ClickHouse; GET /v1/kpis and
 * GET /v1/campaigns over them, and GET /v1/freshness with how far the topic is written;
 * the remarketing audiences over events_raw (GET /v1/audiences…) and DELETE /v1/users/{user_id}.
 */
export const attachProcessor: ServiceAttach = async (ctx) => {
  if (!ctx.clickhouse) throw new Error('processor needs ClickHouse')
  const { config } = ctx
  const pricing = await loadPricingFile(config.processor.pricingFile)
  const audiences = await loadAudiences(config.audiences.file)
  const rates = await CurrencyRates.start({
    store: new CurrencyRateStore(ctx.clickhouse.client, config.clickhouse.database),
    reportingCurrency: config.reportingCurrency,
    refreshMs: config.processor.ratesRefreshMs,
    file: config.processor.ratesFile,
    logger: ctx.logger,
    registry: ctx.registry,
  })
  registerKpiRoutes(ctx.app, ctx.clickhouse.kpis, config.contract)
  registerCampaignRoutes(ctx.app, ctx.clickhouse.kpis)
  registerExperimentRoutes(ctx.app, ctx.clickhouse.kpis, config.contract)
  registerFreshnessRoutes(ctx.app, ctx.clickhouse.progress, config.kafka.topics.events)
  const { client } = ctx.clickhouse
  registerAudienceRoutes(ctx.app, audiences, new AudienceStore(client, config.clickhouse.database))
  registerUserRoutes(ctx.app, {
    adminKeys: config.admin.keys,
    audiences,
    deletions: new UserDeletionStore(client, config.clickhouse.database),
  })
  const attribution = new AttributionStore(client, config.clickhouse.database)
  registerAttributionRoutes(ctx.app, attribution)
  const processor = await startProcessor({
    ...ctx,
    store: ctx.clickhouse.rawEvents,
    pricing,
    rates,
    attribution,
  })
  ctx.readiness.push(processor.readiness)
  const progress = await startProgressReporter({
    kafka: ctx.kafka,
    store: ctx.clickhouse.progress,
    groupId: config.processor.groupId,
    topic: config.kafka.topics.events,
    intervalMs: config.processor.progressIntervalMs,
    logger: ctx.logger,
  })
  return {
    async stop() {
      await progress.stop()
      await processor.stop()
      await rates.stop()
    },
  }
}
