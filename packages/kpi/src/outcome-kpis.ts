import { divideMicros } from './derived-kpis.ts'

/**
 * The KPIs of engagement and of each action (DESIGN.md, KPIs), beside
 * deriveKpis: DerivedKpis is what the alerter's rules read, and keeps its fields.
 */

/** What engagement_rate and cpe_micros are computed from. */
export interface EngagementSums {
  impressions: number
  engagements: number
  spend_micros: bigint
}

/** Null where the denominator is 0; money per engagement as integer micros (rounded half up). */
export interface EngagementKpis {
  /** engagements / impressions */
  engagement_rate: number | null
  /** spend / engagements */
  cpe_micros: string | null
}

export function deriveEngagementKpis(s: EngagementSums): EngagementKpis {
  return {
    engagement_rate: s.impressions === 0 ? null : s.engagements / s.impressions,
    cpe_micros: divideMicros(s.spend_micros, BigInt(s.engagements)),
  }
}

/** One action's outcomes within a row (a lead, a purchase, a like). */
export interface ActionOutcomes {
  conversions: number
  engagements: number
  revenue_micros: bigint
}

/**
 * One action's figures within a row: its outcomes and what each cost of the
 * row's spend, as ad platforms report "cost per lead" or "cost per like".
 */
export interface ActionKpis {
  conversions: number
  revenue_micros: string
  /** The row's spend / this action's conversions. */
  cpa_micros: string | null
  engagements: number
  /** The row's spend / this action's engagements. */
  cpe_micros: string | null
}

export function deriveActionKpis(rowSpendMicros: bigint, a: ActionOutcomes): ActionKpis {
  return {
    conversions: a.conversions,
    revenue_micros: a.revenue_micros.toString(),
    cpa_micros: divideMicros(rowSpendMicros, BigInt(a.conversions)),
    engagements: a.engagements,
    cpe_micros: divideMicros(rowSpendMicros, BigInt(a.engagements)),
  }
}

/** A row's actions keyed by name, in the order given, each with deriveActionKpis. */
export function actionKpisByName(
  rowSpendMicros: bigint,
  actions: ReadonlyArray<ActionOutcomes & { action: string }>,
): Record<string, ActionKpis> {
  // fromEntries defines own properties, so an action named like a property of
  // every object (`constructor`, `__proto__`) is kept as any other.
  return Object.fromEntries(actions.map((a) => [a.action, deriveActionKpis(rowSpendMicros, a)]))
}
