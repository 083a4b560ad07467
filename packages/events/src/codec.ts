import avro from 'avsc'
import type { AudienceChange } from './audience-change.ts'
import { longFromVarint, varintOfLong } from './avro-long.ts'
import type { AdEvent } from './event.ts'
import { KNOWN_SCHEMAS, SCHEMA_IDS } from './schemas.ts'
import type { Signal } from './signal.ts'

/**
 * Avro longs as JS bigint, so money above 2^53 stays exact. avsc's default
 * long is a JS number and would silently round. `noUnpack`: avsc passes the
 * varint as it is on the wire (avro-long.ts), with no Buffer per long.
 */
const BigIntLong = avro.types.LongType.__with(
  {
    fromBuffer: longFromVarint,
    toBuffer: varintOfLong,
    fromJSON: (value: number | string) => BigInt(value),
    toJSON: (n: bigint) => Number(n),
    isValid: (n: unknown) => typeof n === 'bigint',
    compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
  },
  true,
)

function typeOf(schema: object): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { registry: { long: BigIntLong } })
}

/** Confluent wire format: magic byte 0, schema id as a big-endian int32, Avro binary body. */
const MAGIC = 0
const HEADER_BYTES = 5

export class DecodeError extends Error {
  override name = 'DecodeError'
}

/** The writer's schema id of a framed record, or null when the frame has no magic byte. */
export function schemaIdOf(frame: Buffer): number | null {
  if (frame.length < HEADER_BYTES || frame.readUInt8(0) !== MAGIC) return null
  return frame.readInt32BE(1)
}

/**
 * Encodes and decodes records of one reader schema. Readers resolve any known
 * writer schema (schema evolution), looked up by the id in the frame.
 */
export class FramedCodec<T> {
  private readonly readerType: avro.Type
  private readonly resolvers = new Map<number, avro.Resolver | avro.Type>()

  /**
   * `numberFields` are the long fields the domain type holds as JS numbers
   * (times, counts): every Avro long is a bigint on the wire side.
   */
  constructor(
    private readonly schemaId: number,
    private readonly numberFields: readonly string[] = [],
    private readonly schemas: ReadonlyMap<number, object> = KNOWN_SCHEMAS,
  ) {
    const schema = schemas.get(schemaId)
    if (!schema) throw new Error(`unknown schema id ${schemaId}`)
    this.readerType = typeOf(schema)
    this.resolvers.set(schemaId, this.readerType)
  }

  encode(record: T): Buffer {
    const wire: Record<string, unknown> = { ...(record as Record<string, unknown>) }
    for (const field of this.numberFields) wire[field] = BigInt(wire[field] as number)
    const body = this.readerType.toBuffer(wire)
    const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length)
    frame.writeUInt8(MAGIC, 0)
    frame.writeInt32BE(this.schemaId, 1)
    body.copy(frame, HEADER_BYTES)
    return frame
  }

  /** Throws DecodeError on anything that is not a well-formed record of a known, compatible schema. */
  decode(frame: Buffer): T {
    if (frame.length < HEADER_BYTES || frame.readUInt8(0) !== MAGIC) {
      throw new DecodeError('not a framed Avro record (missing magic byte)')
    }
    const writerId = frame.readInt32BE(1)
    const resolver = this.resolverFor(writerId)
    let wire: Record<string, unknown>
    try {
      const { value, offset } =
        resolver === this.readerType
          ? this.readerType.decode(frame, HEADER_BYTES)
          : this.readerType.decode(frame, HEADER_BYTES, resolver as avro.Resolver)
      if (offset !== frame.length) throw new DecodeError('truncated record or trailing bytes')
      wire = value as Record<string, unknown>
    } catch (err) {
      if (err instanceof DecodeError) throw err
      throw new DecodeError(`invalid Avro body for schema ${writerId}: ${(err as Error).message}`)
    }
    // In place: the decoded record is this call's own, and a copy per event is garbage at once.
    for (const field of this.numberFields) wire[field] = Number(wire[field] as bigint)
    return wire as T
  }

  private resolverFor(writerId: number): avro.Resolver | avro.Type {
    const cached = this.resolvers.get(writerId)
    if (cached) return cached
    const schema = this.schemas.get(writerId)
    if (!schema) throw new DecodeError(`unknown schema id ${writerId}`)
    let resolver: avro.Resolver
    try {
      resolver = this.readerType.createResolver(typeOf(schema))
    } catch (err) {
      throw new DecodeError(
        `schema ${writerId} cannot be read as schema ${this.schemaId}: ${(err as Error).message}`,
      )
    }
    this.resolvers.set(writerId, resolver)
    return resolver
  }
}

/**
 * Where a codec finds schemas by id: the built-in table by default; with a
 * schema registry, a table that also holds the registry's ids (see
 * @adpulse/schema-registry), and the id this process writes with.
 */
export interface CodecSchemas {
  table: ReadonlyMap<number, object>
  /** Schema id written into every frame; the reader schema is table.get(writerId). */
  writerId: number
}

/** Writes event schema v2 (engagements) by default, and reads records of every known version. */
export const createEventCodec = (
  schemas: CodecSchemas = { table: KNOWN_SCHEMAS, writerId: SCHEMA_IDS.eventV2 },
): FramedCodec<AdEvent> =>
  new FramedCodec<AdEvent>(schemas.writerId, ['occurred_at', 'received_at'], schemas.table)
export const createSignalCodec = (
  schemas: CodecSchemas = { table: KNOWN_SCHEMAS, writerId: SCHEMA_IDS.signalV3 },
): FramedCodec<Signal> =>
  new FramedCodec<Signal>(
    schemas.writerId,
    ['window_from', 'window_to', 'conversions', 'created_at'],
    schemas.table,
  )
export const createAudienceChangeCodec = (
  schemas: CodecSchemas = { table: KNOWN_SCHEMAS, writerId: SCHEMA_IDS.audienceChangeV1 },
): FramedCodec<AudienceChange> =>
  new FramedCodec<AudienceChange>(
    schemas.writerId,
    ['at', 'joined_at', 'expires_at', 'published_at'],
    schemas.table,
  )
