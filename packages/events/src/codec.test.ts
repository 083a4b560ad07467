import { describe, expect, it } from 'vitest'
import { anEvent } from '../test/builders.ts'
import { createEventCodec, createSignalCodec, DecodeError, FramedCodec } from './codec.ts'
import type { AdEvent } from './event.ts'
import { EVENT_V1, KNOWN_SCHEMAS, SCHEMA_IDS } from './schemas.ts'
import type { Signal } from './signal.ts'

const event: AdEvent = anEvent({
  event_id: 'conv-1',
  type: 'conversion',
  occurred_at: Date.UTC(2026, 10, 22, 11, 30, 0, 250),
  channel: 'affiliate',
  campaign_id: 'camp-3',
  click_id: 'gclid-123',
  cost_micros: 9_007_199_254_740_993n, // 2^53 + 1
  value_micros: 9_223_372_036_854_775_807n, // 2^63 − 1
  action: 'purchase',
  source: 'partner-a',
  received_at: Date.UTC(2026, 10, 22, 12, 0, 0, 1),
})

const signal: Signal = {
  signal_id: '0123456789abcdef0123456789abcdef',
  action: 'CUT',
  scope: 'campaign',
  channel: 'social',
  campaign_id: 'camp-9',
  rule: 'roi-1h',
  window_from: Date.UTC(2026, 10, 22, 11, 1),
  window_to: Date.UTC(2026, 10, 22, 12, 1),
  spend_micros: '36893488147419103228', // 2^65 − 4
  revenue_micros: '9007199254740993',
  conversions: 12,
  roi: -0.75,
  roi_lower: null,
  roi_upper: -0.5,
  cut_below_roi: -0.2,
  scale_above_roi: 0.5,
  min_spend_micros: '1000000',
  budget_change_pct: -100,
  created_at: Date.UTC(2026, 10, 22, 12, 0, 30),
  condition: 'roi < -0.2',
  exit_condition: 'roi > 0',
  confidence: 0.9,
  ad_id: null,
}

describe('event codec', () => {
  const codec = createEventCodec()

  it('frames with magic byte 0 and the schema id, event schema v2', () => {
    const frame = codec.encode(event)
    expect(frame.readUInt8(0)).toBe(0)
    expect(frame.readInt32BE(1)).toBe(SCHEMA_IDS.eventV2)
    expect(frame.length).toBeGreaterThan(5)
  })

  it('round-trips an event with money above 2^53 exactly', () => {
    const decoded = codec.decode(codec.encode(event))
    expect(decoded).toEqual(event)
    expect(decoded.cost_micros).toBe(9_007_199_254_740_993n)
    expect(decoded.value_micros).toBe(9_223_372_036_854_775_807n)
    expect(typeof decoded.occurred_at).toBe('number')
    expect(decoded.occurred_at).toBe(event.occurred_at)
  })

  it('round-trips an impression with every optional null', () => {
    const impression: AdEvent = {
      ...event,
      type: 'impression',
      click_id: null,
      cost_micros: null,
      value_micros: null,
      action: null,
    }
    expect(codec.decode(codec.encode(impression))).toEqual(impression)
  })

  it('rejects a frame without the magic byte', () => {
    const frame = codec.encode(event)
    frame.writeUInt8(1, 0)
    expect(() => codec.decode(frame)).toThrow(DecodeError)
    expect(() => codec.decode(frame)).toThrow('missing magic byte')
    expect(() => codec.decode(Buffer.alloc(0))).toThrow(DecodeError)
    expect(() => codec.decode(Buffer.from([0, 0, 0]))).toThrow(DecodeError)
  })

  it('rejects an unknown schema id', () => {
    const frame = codec.encode(event)
    frame.writeInt32BE(999, 1)
    expect(() => codec.decode(frame)).toThrow(DecodeError)
    expect(() => codec.decode(frame)).toThrow('unknown schema id 999')
  })

  it('rejects a truncated body', () => {
    const frame = codec.encode(event)
    for (const length of [5, 6, frame.length - 1]) {
      expect(() => codec.decode(frame.subarray(0, length))).toThrow(DecodeError)
    }
  })

  it('rejects trailing bytes', () => {
    const frame = Buffer.concat([codec.encode(event), Buffer.from([0])])
    expect(() => codec.decode(frame)).toThrow(DecodeError)
    expect(() => codec.decode(frame)).toThrow('trailing bytes')
  })

  it('rejects a long whose varint is overlong or beyond 64 bits with a DecodeError, and reads the int64 edges', () => {
    const schema = { type: 'record', name: 'OneLong', fields: [{ name: 'n', type: 'long' }] }
    const longs = new FramedCodec<{ n: bigint }>(1, [], new Map([[1, schema]]))
    const frameOf = (hex: string) => Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), Buffer.from(hex, 'hex')])
    expect(longs.decode(frameOf('ffffffffffffffffff01')).n).toBe(-(2n ** 63n))
    expect(longs.decode(longs.encode({ n: 2n ** 63n - 1n })).n).toBe(2n ** 63n - 1n)
    for (const hex of ['ffffffffffffffffffff01', 'ffffffffffffffffff7f']) {
      expect(() => longs.decode(frameOf(hex)), hex).toThrow(DecodeError)
    }
  })

  it('rejects a record of another, incompatible known schema with a DecodeError', () => {
    const signalFrame = createSignalCodec().encode(signal)
    expect(() => codec.decode(signalFrame)).toThrow(DecodeError)
  })

  it('rejects an event it cannot encode', () => {
    expect(() => codec.encode({ ...event, cost_micros: 2n ** 63n })).toThrow()
  })
})

describe('signal codec', () => {
  const codec = createSignalCodec()

  it('round-trips a signal with money strings above 2^64 exactly', () => {
    const frame = codec.encode(signal)
    expect(frame.readInt32BE(1)).toBe(SCHEMA_IDS.signalV3)
    const decoded = codec.decode(frame)
    expect(decoded).toEqual(signal)
    expect(decoded.spend_micros).toBe('36893488147419103228')
    expect(decoded.conversions).toBe(12)
    expect(decoded.window_from).toBe(Date.UTC(2026, 10, 22, 11, 1))
  })

  it('round-trips a channel SCALE signal', () => {
    const scale: Signal = {
      ...signal,
      action: 'SCALE',
      scope: 'channel',
      campaign_id: null,
      roi: 2.5,
      roi_lower: 1.25,
      roi_upper: 3.75,
      budget_change_pct: 20,
    }
    expect(codec.decode(codec.encode(scale))).toEqual(scale)
  })
})

describe('schema evolution', () => {
  interface AdEventV2 extends AdEvent {
    placement: string | null
  }
  const EVENT_V2 = {
    ...EVENT_V1,
    fields: [...EVENT_V1.fields, { name: 'placement', type: ['string', 'null'], default: 'unknown' }],
  }
  const schemas = new Map<number, object>([
    [11, EVENT_V1],
    [12, EVENT_V2],
  ])
  const numberFields = ['occurred_at', 'received_at']
  const v1 = new FramedCodec<AdEvent>(11, numberFields, schemas)
  const v2 = new FramedCodec<AdEventV2>(12, numberFields, schemas)

  it('reads a v1 record with the v2 reader, giving the new field its default', () => {
    const frame = v1.encode(event)
    expect(frame.readInt32BE(1)).toBe(11)
    expect(v2.decode(frame)).toEqual({ ...event, placement: 'unknown' })
  })

  it('reads a v2 record with the v1 reader, dropping the new field', () => {
    const frame = v2.encode({ ...event, placement: 'in-stream' })
    expect(frame.readInt32BE(1)).toBe(12)
    const decoded = v1.decode(frame)
    expect(decoded).toEqual(event)
    expect(Object.keys(decoded)).not.toContain('placement')
    expect(decoded.value_micros).toBe(9_223_372_036_854_775_807n)
  })

  it('reads records of its own version', () => {
    const record: AdEventV2 = { ...event, placement: null }
    expect(v2.decode(v2.encode(record))).toEqual(record)
  })

  it('refuses a reader schema id it does not know', () => {
    expect(() => new FramedCodec<AdEvent>(13, numberFields, schemas)).toThrow('unknown schema id 13')
    expect(KNOWN_SCHEMAS.get(SCHEMA_IDS.eventV1)).toBe(EVENT_V1)
  })
})

describe('signal schema v1 and v2', () => {
  it('reads a v1 signal with the current reader: the new fields take their defaults', () => {
    const { condition: _c, exit_condition: _e, confidence: _k, ad_id: _a, ...v1Signal } = signal
    const v1Writer = new FramedCodec<Omit<Signal, 'condition' | 'exit_condition' | 'confidence' | 'ad_id'>>(
      SCHEMA_IDS.signalV1,
      ['window_from', 'window_to', 'conversions', 'created_at'],
    )
    const decoded = createSignalCodec().decode(v1Writer.encode(v1Signal))
    expect(decoded).toEqual({ ...signal, condition: '', exit_condition: '', confidence: 0 })
  })
})
