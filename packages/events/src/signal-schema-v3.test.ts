import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { createSignalCodec, FramedCodec } from './codec.ts'
import { checkFullCompatibility } from './compatibility.ts'
import { KNOWN_SCHEMAS, SCHEMA_HISTORY, SCHEMA_IDS, SIGNAL_V1, SIGNAL_V2, SIGNAL_V3 } from './schemas.ts'
import type { Signal } from './signal.ts'

/**
 * Signal schema v3 adds ad-level decisions (PAUSE_AD, PROMOTE_AD, scope `ad`,
 * `ad_id`), evolved so that producers and consumers upgrade in any order: a v3
 * reader reads v1 and v2 signals, and a v1 or v2 reader reads a v3 ad signal as
 * a 0 % SCALE of the ad's campaign, through the enum defaults v1 now carries.
 */

const NUMBER_FIELDS = ['window_from', 'window_to', 'conversions', 'created_at']
type SignalV2 = Omit<Signal, 'ad_id'>
const v1Reader = new FramedCodec<Omit<SignalV2, 'condition' | 'exit_condition' | 'confidence'>>(
  SCHEMA_IDS.signalV1,
  NUMBER_FIELDS,
)
const v2Reader = new FramedCodec<SignalV2>(SCHEMA_IDS.signalV2, NUMBER_FIELDS)
const v3Codec = createSignalCodec()

const pauseAd: Signal = {
  signal_id: 'fedcba9876543210fedcba9876543210',
  action: 'PAUSE_AD',
  scope: 'ad',
  channel: 'search',
  campaign_id: 'brand',
  ad_id: 'ad-b',
  rule: 'pause-weak-ads',
  window_from: Date.UTC(2026, 10, 22, 11, 0),
  window_to: Date.UTC(2026, 10, 22, 12, 0),
  spend_micros: '5000000',
  revenue_micros: '0',
  conversions: 0,
  roi: -1,
  roi_lower: -1,
  roi_upper: null,
  cut_below_roi: Number.NaN,
  scale_above_roi: Number.NaN,
  min_spend_micros: '0',
  budget_change_pct: 0,
  created_at: Date.UTC(2026, 10, 22, 12, 0, 30),
  condition: 'ctr_lift < 0',
  exit_condition: 'ctr_lift > -0.1',
  confidence: 0.9,
}

describe('signal schema v3', () => {
  it('is published under id 103 after v1 and v2, and the signal codec writes it', () => {
    expect(SCHEMA_IDS.signalV3).toBe(103)
    expect(KNOWN_SCHEMAS.get(103)).toBe(SIGNAL_V3)
    expect(SCHEMA_HISTORY.signals.map((v) => v.id)).toEqual([101, 102, 103])
    expect(v3Codec.encode(pauseAd).readInt32BE(1)).toBe(103)
  })

  it('round-trips a PAUSE_AD and a PROMOTE_AD signal with their ad', () => {
    expect(v3Codec.decode(v3Codec.encode(pauseAd))).toEqual(pauseAd)
    const promote: Signal = { ...pauseAd, action: 'PROMOTE_AD', ad_id: 'ad-a', condition: 'ctr_lift > 0' }
    expect(v3Codec.decode(v3Codec.encode(promote))).toEqual(promote)
  })

  it('is read by a v2 reader: PAUSE_AD as a 0 % SCALE of the campaign, without ad_id', () => {
    const { ad_id: _a, ...rest } = pauseAd
    expect(v2Reader.decode(v3Codec.encode(pauseAd))).toEqual({ ...rest, action: 'SCALE', scope: 'campaign' })
  })

  it('is read by a v1 reader the same way', () => {
    const decoded = v1Reader.decode(v3Codec.encode({ ...pauseAd, action: 'PROMOTE_AD' }))
    expect(decoded).toMatchObject({
      action: 'SCALE',
      scope: 'campaign',
      campaign_id: 'brand',
      budget_change_pct: 0,
    })
    expect(decoded).not.toHaveProperty('ad_id')
  })

  it('reads a v2 campaign CUT with ad_id null', () => {
    const { ad_id: _a, ...cut } = { ...pauseAd, action: 'CUT' as const, scope: 'campaign' as const }
    const writer = new FramedCodec<SignalV2>(SCHEMA_IDS.signalV2, NUMBER_FIELDS)
    expect(v3Codec.decode(writer.encode(cut))).toEqual({ ...cut, ad_id: null })
  })

  it('would break v1 and v2 readers without the enum defaults: the gate sees it', () => {
    const withoutDefaults = (schema: typeof SIGNAL_V1 | typeof SIGNAL_V2) => ({
      ...schema,
      fields: schema.fields.map((f) =>
        f.name === 'action' || f.name === 'scope'
          ? { name: f.name, type: { ...(f.type as object), default: undefined } }
          : f,
      ),
    })
    expect(checkFullCompatibility(withoutDefaults(SIGNAL_V2), SIGNAL_V3)).toMatchObject({
      direction: 'forward',
    })
    expect(checkFullCompatibility(SIGNAL_V2, SIGNAL_V3)).toBeNull()
    expect(checkFullCompatibility(SIGNAL_V1, SIGNAL_V3)).toBeNull()
    // The defaults leave the published v1 and v2 unchanged: same canonical form, same fingerprint.
    for (const schema of [SIGNAL_V1, SIGNAL_V2]) {
      const fingerprint = (s: object) =>
        avro.Type.forSchema(s as avro.Schema)
          .fingerprint('sha256')
          .toString('hex')
      expect(fingerprint(schema)).toBe(fingerprint(withoutDefaults(schema)))
    }
  })
})
