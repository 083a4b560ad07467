import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { anEvent } from '../test/builders.ts'
import { createEventCodec, FramedCodec } from './codec.ts'
import { checkFullCompatibility, incompatiblePairs } from './compatibility.ts'
import type { AdEvent } from './event.ts'
import { EVENT_V1, EVENT_V2, KNOWN_SCHEMAS, SCHEMA_HISTORY, SCHEMA_IDS } from './schemas.ts'

/**
 * Event schema v2 adds the type `engagement`, evolved so that producers and
 * consumers upgrade in any order: a v2 reader reads v1 records, and a v1 reader
 * reads v2 records, an engagement as a click through v1's enum default.
 */

const NUMBER_FIELDS = ['occurred_at', 'received_at']
const v1Codec = new FramedCodec<AdEvent>(SCHEMA_IDS.eventV1, NUMBER_FIELDS)
const v2Codec = createEventCodec()

const click = anEvent({
  event_id: 'clk-1',
  ad_id: 'ad-1',
  click_id: 'k-1',
  user_id: 'u-1',
  cost_micros: 2n ** 60n,
})
const engagement = anEvent({
  event_id: 'eng-1',
  type: 'engagement',
  channel: 'social',
  ad_id: 'ad-2',
  action: 'video_view',
  cost_micros: null,
})

/** EVENT_V1 as published, before its enum had a default. */
const EVENT_V1_AS_PUBLISHED = {
  ...EVENT_V1,
  fields: EVENT_V1.fields.map((f) =>
    f.name === 'type'
      ? {
          name: 'type',
          type: { type: 'enum', name: 'EventType', symbols: ['impression', 'click', 'conversion'] },
        }
      : f,
  ),
}

describe('event schema v2', () => {
  it('is published under id 2 after v1, and the event codec writes it', () => {
    expect(SCHEMA_IDS.eventV2).toBe(2)
    expect(KNOWN_SCHEMAS.get(2)).toBe(EVENT_V2)
    expect(SCHEMA_HISTORY.events.map((v) => v.id)).toEqual([1, 2])
    expect(v2Codec.encode(click).readInt32BE(1)).toBe(2)
  })

  it('reads a v1 record with the v2 reader', () => {
    const frame = v1Codec.encode(click)
    expect(frame.readInt32BE(1)).toBe(SCHEMA_IDS.eventV1)
    expect(v2Codec.decode(frame)).toEqual(click)
    const conversion = anEvent({ type: 'conversion', action: 'purchase', value_micros: 2n ** 63n - 1n })
    expect(v2Codec.decode(v1Codec.encode(conversion))).toEqual(conversion)
  })

  it('round-trips an engagement through v2', () => {
    expect(v2Codec.decode(v2Codec.encode(engagement))).toEqual(engagement)
  })

  it('reads a v2 click with the v1 reader as it is', () => {
    const frame = v2Codec.encode(click)
    expect(frame.readInt32BE(1)).toBe(SCHEMA_IDS.eventV2)
    expect(v1Codec.decode(frame)).toEqual(click)
  })

  it("reads a v2 engagement with the v1 reader as a click, through v1's enum default", () => {
    const decoded = v1Codec.decode(v2Codec.encode(engagement))
    expect(decoded).toEqual({ ...engagement, type: 'click' })
    expect(decoded.action).toBe('video_view')
  })

  it('cannot write an engagement with v1: the symbol is not in its enum', () => {
    expect(() => v1Codec.encode(engagement)).toThrow()
  })

  it("reads a symbol of a later version with the v2 reader as engagement, through v2's enum default", () => {
    const laterSymbols = ['impression', 'click', 'conversion', 'engagement', 'story_reply']
    const later = {
      ...EVENT_V2,
      fields: EVENT_V2.fields.map((f) =>
        f.name === 'type'
          ? { name: 'type', type: { type: 'enum', name: 'EventType', symbols: laterSymbols } }
          : f,
      ),
    }
    const schemas = new Map<number, object>([...KNOWN_SCHEMAS, [3, later]])
    const laterWriter = new FramedCodec<Omit<AdEvent, 'type'> & { type: string }>(3, NUMBER_FIELDS, schemas)
    const v2Reader = new FramedCodec<AdEvent>(SCHEMA_IDS.eventV2, NUMBER_FIELDS, schemas)
    const frame = laterWriter.encode({ ...engagement, type: 'story_reply', action: 'reply' })
    expect(v2Reader.decode(frame)).toEqual({ ...engagement, type: 'engagement', action: 'reply' })
    expect(incompatiblePairs([...SCHEMA_HISTORY.events, { id: 3, schema: later }])).toEqual([])
  })

  it('leaves v1 the schema it was: the enum default changes neither its fingerprint nor its encoding', () => {
    const now = avro.Type.forSchema(EVENT_V1 as object as avro.Schema)
    const published = avro.Type.forSchema(EVENT_V1_AS_PUBLISHED as object as avro.Schema)
    // avsc's fingerprint is of the Parsing Canonical Form, which has no `default`.
    expect(now.fingerprint('sha256').toString('hex')).toBe(published.fingerprint('sha256').toString('hex'))
    const schemas = new Map<number, object>([[1, EVENT_V1_AS_PUBLISHED]])
    const publishedCodec = new FramedCodec<AdEvent>(1, NUMBER_FIELDS, schemas)
    expect(publishedCodec.encode(click)).toEqual(v1Codec.encode(click))
    // A record written before the default existed reads as v2.
    expect(v2Codec.decode(publishedCodec.encode(click))).toEqual(click)
  })

  it('without the v1 default, v2 would not be forward compatible: the check names the symbol', () => {
    expect(checkFullCompatibility(EVENT_V1_AS_PUBLISHED, EVENT_V2)).toEqual({
      direction: 'forward',
      detail: `field "type": the writer's symbols "engagement" are not in the reader's enum, which has no default`,
    })
  })
})
