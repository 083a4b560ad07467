import { EVENT_TYPES, type EventType } from '@adpulse/events'
import { parseDurationMs } from '@adpulse/kpi'
import { parse as parseYaml } from 'yaml'

/** Which events a clause matches: a type and, when listed, one of the actions, channels and campaigns. */
export interface EventMatch {
  type: EventType
  /** Empty: any action. */
  actions: readonly string[]
  /** Empty: any channel. */
  channels: readonly string[]
  /** Empty: any campaign. */
  campaigns: readonly string[]
}

/**
 * One remarketing audience, validated (docs in README, "Remarketing audiences").
 * A user is a member while they have an including event within `include.lookbackMs`,
 * less than `durationMs` ago counted from their latest one, and no excluding event
 * that takes them out.
 */
export interface AudienceDefinition {
  name: string
  include: EventMatch & { lookbackMs: number }
  /**
   * Undefined: nothing takes a user out but expiry. `lookbackMs` undefined: an
   * excluding event takes the user out when it is at or after their latest
   * including event (a purchase after the cart); set: any excluding event within
   * that lookback takes them out, whatever its order.
   */
  exclude: (EventMatch & { lookbackMs: number | undefined }) | undefined
  /** How long membership lasts after the user's latest including event. */
  durationMs: number
}

export type AudiencesResult = { ok: true; audiences: AudienceDefinition[] } | { ok: false; errors: string[] }

const AUDIENCE_KEYS = new Set(['name', 'include', 'exclude', 'duration'])
const MATCH_KEYS = new Set([
  'type',
  'action',
  'actions',
  'channel',
  'channels',
  'campaign',
  'campaigns',
  'lookback',
])
/** A slug: it appears in URLs (/v1/audiences/{name}) and Kafka keys. */
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/

type Fail = (field: string, message: string) => void

/**
 * Validates an audiences document (`{ audiences: [...] }`, parsed from YAML or
 * JSON). Every problem names its audience and field.
 */
export function parseAudiences(document: unknown): AudiencesResult {
  const raw = isObject(document) ? document.audiences : undefined
  if (!Array.isArray(raw)) return { ok: false, errors: ['audiences: expected a list under "audiences"'] }
  const errors: string[] = []
  const audiences: AudienceDefinition[] = []
  const names = new Set<string>()
  raw.forEach((entry, index) => {
    const audience = parseAudience(entry, index, errors)
    if (!audience) return
    if (names.has(audience.name)) {
      errors.push(`audience ${JSON.stringify(audience.name)}: name: used by another audience`)
    }
    names.add(audience.name)
    audiences.push(audience)
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, audiences }
}

/** parseAudiences over YAML text; a YAML syntax error is one more problem. */
export function parseAudiencesYaml(text: string): AudiencesResult {
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (err) {
    return { ok: false, errors: [`not valid YAML: ${(err as Error).message}`] }
  }
  return parseAudiences(document)
}

function parseAudience(raw: unknown, index: number, errors: string[]): AudienceDefinition | undefined {
  if (!isObject(raw)) {
    errors.push(`audiences[${index}]: expected an object`)
    return undefined
  }
  const startErrors = errors.length
  const name = typeof raw.name === 'string' && NAME.test(raw.name) ? raw.name : undefined
  const where = `audience ${name === undefined ? `#${index + 1}` : JSON.stringify(name)}`
  const fail: Fail = (field, message) => errors.push(`${where}: ${field}: ${message}`)
  if (name === undefined) fail('name', `expected a slug of a-z, 0-9, _ and -, got ${show(raw.name)}`)
  for (const key of Object.keys(raw)) if (!AUDIENCE_KEYS.has(key)) fail(key, 'unknown field')

  const include = parseMatch(raw.include, 'include', fail)
  const includeLookback = isObject(raw.include)
    ? positiveDuration(raw.include.lookback, 'include.lookback', fail)
    : undefined
  const exclude = raw.exclude === undefined ? undefined : parseMatch(raw.exclude, 'exclude', fail)
  const excludeLookback =
    isObject(raw.exclude) && raw.exclude.lookback !== undefined
      ? positiveDuration(raw.exclude.lookback, 'exclude.lookback', fail)
      : undefined
  const durationMs = positiveDuration(raw.duration, 'duration', fail)

  if (errors.length > startErrors || !include) return undefined
  return {
    name: name as string,
    include: { ...include, lookbackMs: includeLookback as number },
    exclude: exclude && { ...exclude, lookbackMs: excludeLookback },
    durationMs: durationMs as number,
  }
}

function parseMatch(raw: unknown, field: string, fail: Fail): EventMatch | undefined {
  if (!isObject(raw)) {
    fail(field, `expected an object with a type (and actions, channels, campaigns), got ${show(raw)}`)
    return undefined
  }
  for (const key of Object.keys(raw)) if (!MATCH_KEYS.has(key)) fail(`${field}.${key}`, 'unknown field')
  const type = raw.type
  if (!(EVENT_TYPES as readonly unknown[]).includes(type)) {
    fail(`${field}.type`, `expected one of ${EVENT_TYPES.join(', ')}, got ${show(type)}`)
  }
  const actions = names(raw, 'action', field, fail)
  if (actions.length > 0 && (type === 'impression' || type === 'click')) {
    fail(`${field}.actions`, `only engagements and conversions have an action, not ${type}s`)
  }
  return {
    type: type as EventType,
    actions,
    channels: names(raw, 'channel', field, fail),
    campaigns: names(raw, 'campaign', field, fail),
  }
}

/** `action: x` or `actions: [x, y]` (one of the two): the listed names. */
function names(raw: Record<string, unknown>, singular: string, field: string, fail: Fail): string[] {
  const plural = `${singular}s`
  if (raw[singular] !== undefined && raw[plural] !== undefined) {
    fail(`${field}.${plural}`, `give ${singular} or ${plural}, not both`)
    return []
  }
  const key = raw[singular] !== undefined ? singular : plural
  const value = raw[key]
  if (value === undefined) return []
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0 || !list.every((item) => typeof item === 'string' && item.trim() !== '')) {
    fail(`${field}.${key}`, `expected a non-empty string or list of strings, got ${show(value)}`)
    return []
  }
  return list.map((item) => (item as string).trim())
}

function positiveDuration(raw: unknown, field: string, fail: Fail): number | undefined {
  const ms = typeof raw === 'string' || typeof raw === 'number' ? parseDurationMs(String(raw)) : undefined
  if (ms === undefined || ms <= 0) {
    fail(field, `expected a duration like 30m, 12h or 30d, got ${show(raw)}`)
    return undefined
  }
  return ms
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value))
