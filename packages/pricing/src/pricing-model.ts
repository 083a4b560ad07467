import { slugRule } from '@adpulse/events'

/**
 * The payment models of performance marketing (DESIGN.md, Pricing models).
 * Rates are integer micros (or basis points for CPS), so costs stay exact.
 */
export type PricingModel =
  /** per thousand impressions: one impression costs rate_micros / 1000 */
  | { model: 'CPM'; rate_micros: bigint }
  /** per click: one click costs rate_micros */
  | { model: 'CPC'; rate_micros: bigint }
  /** per action: a conversion whose action is listed costs rate_micros */
  | { model: 'CPA'; rate_micros: bigint; actions: readonly string[] }
  /** per sale: a purchase costs value_micros × rate_bps / 10000 */
  | { model: 'CPS'; rate_bps: number }
  /** per engagement: an engagement whose action is listed (`like`, `share`, …) costs rate_micros */
  | { model: 'CPE'; rate_micros: bigint; actions: readonly string[] }
  /** per view: an engagement of action `video_view` costs rate_micros */
  | { model: 'CPV'; rate_micros: bigint }

/** The engagement action CPV charges. */
export const VIDEO_VIEW = 'video_view'

/** Models by channel, and by campaign (a campaign's model overrides its channel's). */
export interface PricingTable {
  channels: ReadonlyMap<string, PricingModel>
  campaigns: ReadonlyMap<string, PricingModel>
}

export type ParseResult = { ok: true; table: PricingTable } | { ok: false; errors: string[] }

/** Validates a pricing file's JSON; every error names its entry and field. */
export function parsePricingTable(json: unknown): ParseResult {
  const errors: string[] = []
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, errors: ['pricing: expected an object with "channels" and "campaigns"'] }
  }
  const root = json as Record<string, unknown>
  for (const key of Object.keys(root)) {
    if (key !== 'channels' && key !== 'campaigns') errors.push(`pricing: unknown key ${JSON.stringify(key)}`)
  }
  const channels = parseSection(root.channels, 'channels', errors)
  const campaigns = parseSection(root.campaigns, 'campaigns', errors)
  return errors.length > 0 ? { ok: false, errors } : { ok: true, table: { channels, campaigns } }
}

function parseSection(section: unknown, name: string, errors: string[]): Map<string, PricingModel> {
  const models = new Map<string, PricingModel>()
  if (section === undefined) return models
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    errors.push(`${name}: expected an object of name → model`)
    return models
  }
  for (const [entry, value] of Object.entries(section)) {
    const model = parseModel(value, `${name}.${entry}`, errors)
    if (model) models.set(entry, model)
  }
  return models
}

function parseModel(value: unknown, path: string, errors: string[]): PricingModel | undefined {
  if (typeof value !== 'object' || value === null) {
    errors.push(`${path}: expected an object with "model"`)
    return undefined
  }
  const spec = value as Record<string, unknown>
  const rateMicros = (): bigint | undefined => {
    const rate = spec.rate_micros
    if (typeof rate === 'number' && Number.isSafeInteger(rate) && rate >= 0) return BigInt(rate)
    if (typeof rate === 'string' && /^\d+$/.test(rate)) return BigInt(rate)
    errors.push(`${path}.rate_micros: expected integer micros >= 0, got ${JSON.stringify(rate)}`)
    return undefined
  }
  switch (spec.model) {
    case 'CPM': {
      const rate = rateMicros()
      if (rate === undefined) return undefined
      // Each impression must cost a whole number of micros, or sums would drift.
      if (rate % 1000n !== 0n) {
        errors.push(`${path}.rate_micros: a CPM rate must be a multiple of 1000 micros, got ${rate}`)
        return undefined
      }
      return { model: 'CPM', rate_micros: rate }
    }
    case 'CPC': {
      const rate = rateMicros()
      return rate === undefined ? undefined : { model: 'CPC', rate_micros: rate }
    }
    case 'CPA': {
      const rate = rateMicros()
      const actions = spec.actions
      if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === 'string')) {
        errors.push(`${path}.actions: expected a non-empty list of action names, e.g. ["lead", "signup"]`)
        return undefined
      }
      return rate === undefined ? undefined : { model: 'CPA', rate_micros: rate, actions }
    }
    case 'CPE': {
      const rate = rateMicros()
      const actions = engagementActions(spec.actions, `${path}.actions`, errors)
      return rate === undefined || actions === undefined
        ? undefined
        : { model: 'CPE', rate_micros: rate, actions }
    }
    case 'CPV': {
      const rate = rateMicros()
      return rate === undefined ? undefined : { model: 'CPV', rate_micros: rate }
    }
    case 'CPS': {
      const bps = spec.rate_bps
      if (typeof bps !== 'number' || !Number.isInteger(bps) || bps < 0 || bps > 10_000) {
        errors.push(
          `${path}.rate_bps: expected an integer 0-10000 (basis points of the sale), got ${JSON.stringify(bps)}`,
        )
        return undefined
      }
      return { model: 'CPS', rate_bps: bps }
    }
    default:
      errors.push(`${path}.model: expected CPM, CPC, CPA, CPS, CPE or CPV, got ${JSON.stringify(spec.model)}`)
      return undefined
  }
}

/**
 * The actions a CPE model charges: engagement actions, so lowercase slugs as
 * the event contract wants them (an entry such as "Like" would never match).
 * No length limit here: the contract's is a deployment setting, and a longer
 * entry merely matches nothing.
 */
function engagementActions(value: unknown, path: string, errors: string[]): string[] | undefined {
  const isSlug = (a: unknown) => typeof a === 'string' && slugRule(a, Number.POSITIVE_INFINITY) === null
  if (!Array.isArray(value) || value.length === 0 || !value.every(isSlug)) {
    errors.push(
      `${path}: expected a non-empty list of engagement actions (lowercase slugs), e.g. ["like", "share"]`,
    )
    return undefined
  }
  return value as string[]
}
