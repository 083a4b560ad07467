/** KPIs a rule can name. Money in micros; ratios as fractions (ROI 0.25 = 25 %). */
export const KPI_NAMES = [
  'impressions',
  'clicks',
  'conversions',
  'spend_micros',
  'revenue_micros',
  'ctr',
  'cvr',
  'cpc_micros',
  'cpm_micros',
  'cpa_micros',
  'roas',
  'roi',
] as const

export type KpiName = (typeof KPI_NAMES)[number]
