import type { ServiceAttach } from '@adpulse/runtime'
import { startAlerter } from './alerter.ts'
import { registerSignalRoutes } from './signal-routes.ts'

/** alerter: ROI rule over rolling windows → the signals topic, and GET /v1/signals. */
export const attachAlerter: ServiceAttach = async (ctx) => {
  if (!ctx.clickhouse) throw new Error('alerter needs ClickHouse')
  registerSignalRoutes(ctx.app, ctx.clickhouse.signals)
  return startAlerter({ ...ctx, kpis: ctx.clickhouse.kpis, signals: ctx.clickhouse.signals })
}
