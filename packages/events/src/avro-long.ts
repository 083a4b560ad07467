/**
 * An Avro long's bytes (a zigzag varint, at most 10 bytes) to and from a JS
 * bigint, for avsc's `LongType.__with(…, noUnpack = true)`: avsc hands over
 * the varint as it is on the wire. Without `noUnpack` avsc unpacks every long
 * into a new zeroed 8-byte Buffer (an ArrayBuffer of its own) before it is
 * read; the processor decodes several longs per event, and those Buffers were
 * a large part of its garbage (docs/benchmarks.md, Processor).
 */

const MIN_LONG = -(2n ** 63n)
const MAX_LONG = 2n ** 63n - 1n
/** A zigzag varint of up to 7 bytes holds at most 49 bits: exact in number arithmetic. */
const NUMBER_BYTES = 7
const MAX_VARINT_BYTES = 10

/** The long a zigzag varint encodes; throws RangeError on an overlong varint or one beyond 64 bits. */
export function longFromVarint(bytes: Uint8Array): bigint {
  const length = bytes.length
  if (length === 0 || length > MAX_VARINT_BYTES) {
    throw new RangeError(`an Avro long takes 1 to ${MAX_VARINT_BYTES} bytes, not ${length}`)
  }
  if (length <= NUMBER_BYTES) {
    let zigzag = 0
    let scale = 1
    for (let i = 0; i < length; i++) {
      zigzag += ((bytes[i] as number) & 0x7f) * scale
      scale *= 128
    }
    return BigInt(zigzag % 2 === 1 ? -(zigzag + 1) / 2 : zigzag / 2)
  }
  let zigzag = 0n
  for (let i = length - 1; i >= 0; i--) zigzag = (zigzag << 7n) | BigInt((bytes[i] as number) & 0x7f)
  if (zigzag >= 2n ** 64n) throw new RangeError('an Avro long beyond 64 bits')
  return (zigzag >> 1n) ^ -(zigzag & 1n)
}

/** Longs within ±2^52 have a zigzag below 2^53: exact in number arithmetic. */
const NUMBER_LIMIT = 2n ** 52n

/** The zigzag varint of a long; throws RangeError outside the signed 64-bit range (as Avro's long). */
export function varintOfLong(value: bigint): Buffer {
  if (value < MIN_LONG || value > MAX_LONG) throw new RangeError(`${value} is outside an Avro long`)
  // From Node's pool: every byte of the part returned is written.
  const bytes = Buffer.allocUnsafe(MAX_VARINT_BYTES)
  let length = 0
  if (value > -NUMBER_LIMIT && value < NUMBER_LIMIT) {
    const n = Number(value)
    let zigzag = n >= 0 ? n * 2 : -n * 2 - 1
    while (zigzag >= 128) {
      bytes[length++] = (zigzag % 128) | 0x80
      zigzag = Math.floor(zigzag / 128)
    }
    bytes[length++] = zigzag
  } else {
    let zigzag = value >= 0n ? value << 1n : (-value << 1n) - 1n
    while (zigzag >= 0x80n) {
      bytes[length++] = Number(zigzag & 0x7fn) | 0x80
      zigzag >>= 7n
    }
    bytes[length++] = Number(zigzag)
  }
  return bytes.subarray(0, length)
}
