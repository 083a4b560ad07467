import { AUDIENCE_CHANGE_V1 } from './audience-change.ts'

/**
 * Avro schemas of the public topics, versioned. A schema id is the 4-byte id
 * written after the magic byte of the Confluent wire format (codec.ts); the
 * built-in table below answers for ids when no schema registry is configured.
 * Never change a published schema: add a new version with a new id.
 */

const nullable = (name: string, type: unknown) => ({ name, type: ['null', type], default: null })

/**
 * adpulse.events.v1 value, version 1. Money is integer micros in an Avro long.
 *
 * The enum's `default` was added after v1 was published, so that a v1 reader
 * (a processor not yet upgraded) reads a record of a later version whose type
 * it does not know (`engagement` of v2) instead of failing on it. It leaves v1
 * the same schema for every record already written: Avro's Parsing Canonical
 * Form, and so the schema's fingerprint, keeps only name, type, fields,
 * symbols, items, values and size (not `default`), and the binary encoding of
 * an enum is its index either way. `click` because that is how ad platforms
 * count an interaction that is not a conversion: likes, shares and comments
 * are within "clicks (all)". (A schema registry that compares schema text
 * rather than the canonical form registers this text as one more version of
 * the subject, compatible with the first, and keeps answering the old id.)
 */
export const EVENT_V1 = {
  type: 'record',
  name: 'Event',
  namespace: 'dev.adpulse.events.v1',
  fields: [
    { name: 'event_id', type: 'string' },
    {
      name: 'type',
      type: {
        type: 'enum',
        name: 'EventType',
        symbols: ['impression', 'click', 'conversion'],
        default: 'click',
      },
    },
    { name: 'occurred_at', type: 'long', doc: 'event time, epoch milliseconds UTC' },
    { name: 'channel', type: 'string' },
    { name: 'campaign_id', type: 'string' },
    nullable('ad_id', 'string'),
    nullable('click_id', 'string'),
    nullable('cost_micros', 'long'),
    nullable('value_micros', 'long'),
    nullable('action', 'string'),
    { name: 'currency', type: 'string' },
    nullable('user_id', 'string'),
    { name: 'source', type: 'string' },
    { name: 'received_at', type: 'long', doc: 'ingest receipt time, epoch milliseconds UTC' },
  ],
} as const

/**
 * adpulse.events.v1 value, version 2: version 1 with the event type
 * `engagement` (a like, share, comment, save, follow or video view, with its
 * `action`). Same record and enum names, so each version resolves the other.
 * The enum's `default` lets a v2 reader read a symbol a later version adds, as
 * `engagement`: an interaction it does not know. A v1 reader reads a v2
 * engagement as a `click`, through v1's enum default.
 */
export const EVENT_V2 = {
  ...EVENT_V1,
  fields: EVENT_V1.fields.map((field) =>
    field.name === 'type'
      ? {
          name: 'type',
          type: {
            type: 'enum',
            name: 'EventType',
            symbols: ['impression', 'click', 'conversion', 'engagement'],
            default: 'engagement',
          },
        }
      : field,
  ),
} as const

/**
 * adpulse.signals.v1 value, version 1. Sums of money are strings of integer
 * micros: they may exceed 64 bits.
 *
 * The enums' defaults were added when v3 added ad-level actions and the scope
 * `ad`, so that a v1 or v2 reader (a consumer not yet upgraded) reads a v3
 * signal instead of failing on it; like EVENT_V1's, they leave the Parsing
 * Canonical Form (so the fingerprint) and the binary encoding unchanged. An
 * older reader reads PAUSE_AD and PROMOTE_AD as a SCALE of the ad's campaign
 * by budget_change_pct 0, the one reading that changes nothing: ad signals
 * never carry a budget change (docs/decisions.md, Ad-level decisions).
 */
export const SIGNAL_V1 = {
  type: 'record',
  name: 'Signal',
  namespace: 'dev.adpulse.signals.v1',
  fields: [
    { name: 'signal_id', type: 'string', doc: 'deterministic: the same decision always has the same id' },
    {
      name: 'action',
      type: { type: 'enum', name: 'SignalAction', symbols: ['CUT', 'SCALE'], default: 'SCALE' },
    },
    {
      name: 'scope',
      type: { type: 'enum', name: 'SignalScope', symbols: ['channel', 'campaign'], default: 'campaign' },
    },
    { name: 'channel', type: 'string' },
    nullable('campaign_id', 'string'),
    { name: 'rule', type: 'string' },
    { name: 'window_from', type: 'long', doc: 'epoch ms, inclusive' },
    { name: 'window_to', type: 'long', doc: 'epoch ms, exclusive' },
    { name: 'spend_micros', type: 'string' },
    { name: 'revenue_micros', type: 'string' },
    { name: 'conversions', type: 'long' },
    nullable('roi', 'double'),
    nullable('roi_lower', 'double'),
    nullable('roi_upper', 'double'),
    { name: 'cut_below_roi', type: 'double' },
    { name: 'scale_above_roi', type: 'double' },
    { name: 'min_spend_micros', type: 'string' },
    { name: 'budget_change_pct', type: 'int', doc: 'suggested change of budget: -100 pauses' },
    { name: 'created_at', type: 'long', doc: 'epoch ms' },
  ],
} as const

/**
 * adpulse.signals.v1 value, version 2: version 1 and the rule's conditions and
 * confidence, for rules on any KPI (cut_below_roi / scale_above_roi then hold
 * the ROI thresholds of the rule's condition, NaN when it has none).
 */
export const SIGNAL_V2 = {
  ...SIGNAL_V1,
  fields: [
    ...SIGNAL_V1.fields,
    { name: 'condition', type: 'string', default: '', doc: 'the rule condition that held, e.g. "roi < 0"' },
    { name: 'exit_condition', type: 'string', default: '', doc: 'the condition that ends the state' },
    {
      name: 'confidence',
      type: 'double',
      default: 0,
      doc: 'one-sided confidence of the bounds; 0: point estimates',
    },
  ],
} as const

/**
 * adpulse.signals.v1 value, version 3: version 2 with ad-level decisions, the
 * actions PAUSE_AD and PROMOTE_AD, the scope `ad`, and the ad's id (null on a
 * channel or campaign signal). Same record and enum names, so each version
 * resolves the others; the enums keep v1's defaults for symbols a later
 * version may add.
 */
export const SIGNAL_V3 = {
  ...SIGNAL_V2,
  fields: [
    ...SIGNAL_V2.fields.map((field) => {
      if (field.name === 'action') {
        return {
          name: 'action',
          type: {
            type: 'enum',
            name: 'SignalAction',
            symbols: ['CUT', 'SCALE', 'PAUSE_AD', 'PROMOTE_AD'],
            default: 'SCALE',
          },
        }
      }
      if (field.name === 'scope') {
        return {
          name: 'scope',
          type: {
            type: 'enum',
            name: 'SignalScope',
            symbols: ['channel', 'campaign', 'ad'],
            default: 'campaign',
          },
        }
      }
      return field
    }),
    nullable('ad_id', 'string'),
  ],
} as const

/** The built-in schema table: id → schema. */
export const KNOWN_SCHEMAS: ReadonlyMap<number, object> = new Map<number, object>([
  [1, EVENT_V1],
  [2, EVENT_V2],
  [101, SIGNAL_V1],
  [102, SIGNAL_V2],
  [103, SIGNAL_V3],
  [201, AUDIENCE_CHANGE_V1],
])

export const SCHEMA_IDS = {
  eventV1: 1,
  eventV2: 2,
  signalV1: 101,
  signalV2: 102,
  signalV3: 103,
  audienceChangeV1: 201,
} as const

/** The topics whose value schemas adpulse publishes. */
export type SchemaTopic = 'events' | 'signals' | 'audiences'

/** One published version of a topic's value schema. */
export interface SchemaVersion {
  /** Id in the built-in table (KNOWN_SCHEMAS). */
  id: number
  schema: object
}

/**
 * Every published version of each topic's value schema, oldest first. A new
 * version is appended here (and to KNOWN_SCHEMAS); schema-compatibility.test.ts
 * refuses it unless every pair of versions can read each other.
 */
export const SCHEMA_HISTORY: Readonly<Record<SchemaTopic, readonly SchemaVersion[]>> = {
  events: [
    { id: SCHEMA_IDS.eventV1, schema: EVENT_V1 },
    { id: SCHEMA_IDS.eventV2, schema: EVENT_V2 },
  ],
  signals: [
    { id: SCHEMA_IDS.signalV1, schema: SIGNAL_V1 },
    { id: SCHEMA_IDS.signalV2, schema: SIGNAL_V2 },
    { id: SCHEMA_IDS.signalV3, schema: SIGNAL_V3 },
  ],
  audiences: [{ id: SCHEMA_IDS.audienceChangeV1, schema: AUDIENCE_CHANGE_V1 }],
}
