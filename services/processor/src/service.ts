import type { ServiceAttach } from '@adpulse/runtime'
import { registerKpiRoutes } from './kpi-routes.ts'
import { loadPricingFile } from './pricing-file.ts'
import { startProcessor } from './processor.ts'

/** processor: the events topic → minute buckets in ClickHouse, and GET /v1/kpis over them. */
export const attachProcessor: ServiceAttach = async (ctx) => {
  if (!ctx.clickhouse) throw new Error('processor needs ClickHouse')
  const pricing = await loadPricingFile(ctx.config.processor.pricingFile)
  registerKpiRoutes(ctx.app, ctx.clickhouse.kpis)
  return startProcessor({ ...ctx, store: ctx.clickhouse.kpis, pricing })
}
