/**
 * ClickHouse's `RowBinary` format, written field by field into one Buffer:
 * each value as the column type keeps it, little-endian, with no text to
 * build, escape or parse. A String is its UTF-8 length as an unsigned LEB128
 * varint, then its bytes (LowCardinality(String) too); a Nullable is one byte
 * (1: NULL, nothing follows; 0: the value follows). The writer has no schema:
 * its caller writes the columns of an INSERT in their order, each with the
 * method of its exact type (RowBinary converts nothing; a wrong type is a
 * parse error or, worse, a wrong value).
 */
export class RowBinaryWriter {
  private buffer: Buffer
  private length = 0

  /** Writes into `scratch` (a buffer of an earlier insert) while it lasts, then into larger ones. */
  constructor(scratch?: Buffer, expectedBytes = 1024) {
    this.buffer =
      scratch !== undefined && scratch.length >= expectedBytes
        ? scratch
        : Buffer.allocUnsafeSlow(expectedBytes)
  }

  /** The bytes written, and the whole buffer they are in (to be written into again). */
  finish(): { values: Buffer; scratch: Buffer } {
    return { values: this.buffer.subarray(0, this.length), scratch: this.buffer }
  }

  string(value: string): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes; 1 byte of length when it is below 128.
    this.reserve(value.length * 3 + 5)
    const buffer = this.buffer
    const start = this.length + 1
    // Short ASCII (ids, channels, currencies): byte by byte, cheaper than a call into Buffer.write.
    let bytes = value.length
    if (bytes < ASCII_LOOP_LIMIT) {
      for (let i = 0; i < bytes; i++) {
        const unit = value.charCodeAt(i)
        if (unit >= 0x80) {
          bytes = -1
          break
        }
        buffer[start + i] = unit
      }
    } else bytes = -1
    if (bytes < 0) bytes = buffer.write(value, start, 'utf8')
    if (bytes < 0x80) {
      buffer[this.length] = bytes
      this.length = start + bytes
      return
    }
    // A longer string: its bytes move right to make room for the longer varint.
    const varint = varintBytes(bytes)
    buffer.copyWithin(this.length + varint, start, start + bytes)
    let rest = bytes
    for (let i = 0; i < varint - 1; i++) {
      buffer[this.length++] = (rest & 0x7f) | 0x80
      rest = Math.floor(rest / 0x80)
    }
    buffer[this.length++] = rest
    this.length += bytes
  }

  /** Nullable(String): null or undefined is NULL. */
  nullableString(value: string | null | undefined): void {
    if (this.isNull(value)) return
    this.string(value)
  }

  uint32(value: number): void {
    this.reserve(4)
    this.length = this.buffer.writeUInt32LE(value, this.length)
  }

  /** UInt64 from a JS integer (exact up to 2^53). */
  uint64(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`${value} is not a UInt64 held exactly`)
    this.reserve(8)
    this.buffer.writeUInt32LE(value % 0x1_0000_0000, this.length)
    this.buffer.writeUInt32LE(Math.floor(value / 0x1_0000_0000), this.length + 4)
    this.length += 8
  }

  /** UInt64 from its decimal text (a Kafka offset): up to 2^64 - 1, exact. */
  uint64Text(value: string): void {
    const n = Number(value)
    if (Number.isSafeInteger(n) && n >= 0 && value === String(n)) {
      this.uint64(n)
      return
    }
    const big = BigInt(value)
    if (big < 0n || big >= 2n ** 64n || String(big) !== value) {
      throw new RangeError(`${JSON.stringify(value)} is not a UInt64`)
    }
    this.reserve(8)
    this.length = this.buffer.writeBigUInt64LE(big, this.length)
  }

  /** Int64 from a JS integer: DateTime64(3) is its epoch milliseconds. */
  int64(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an Int64 held exactly`)
    this.reserve(8)
    const low = value % 0x1_0000_0000
    // Two's complement: a negative value's low word wraps, and its high word is floor(value / 2^32).
    this.buffer.writeUInt32LE(low < 0 ? low + 0x1_0000_0000 : low, this.length)
    this.buffer.writeInt32LE(Math.floor(value / 0x1_0000_0000), this.length + 4)
    this.length += 8
  }

  /** Int128, two's complement; throws RangeError outside it. */
  int128(value: bigint): void {
    this.reserve(16)
    if (value > -SAFE_BIGINT && value < SAFE_BIGINT) {
      // Nearly all money: number arithmetic, no bigint made per value.
      const n = Number(value)
      this.int64(n)
      this.buffer.fill(n < 0 ? 0xff : 0, this.length, this.length + 8)
      this.length += 8
      return
    }
    if (value < INT128_MIN || value > INT128_MAX) throw new RangeError(`${value} is outside Int128`)
    this.buffer.writeBigUInt64LE(BigInt.asUintN(64, value), this.length)
    this.buffer.writeBigInt64LE(value >> 64n, this.length + 8)
    this.length += 16
  }

  /** Nullable(Int128): null is NULL. */
  nullableInt128(value: bigint | null): void {
    if (this.isNull(value)) return
    this.int128(value)
  }

  /** A Nullable's flag byte; true (nothing more to write) when the value is NULL. */
  private isNull<T>(value: T | null | undefined): value is null | undefined {
    this.reserve(1)
    const isNull = value === null || value === undefined
    this.buffer[this.length++] = isNull ? 1 : 0
    return isNull
  }

  /** Room for `bytes` more: the buffer doubles (at least) when they would not fit. */
  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.length + bytes))
    this.buffer.copy(grown, 0, 0, this.length)
    this.buffer = grown
  }
}

/** Strings shorter than this are tried as ASCII in a loop (the ids of events); longer go to Buffer.write. */
const ASCII_LOOP_LIMIT = 64
/** 2^53: a bigint strictly inside ±this converts to a number exactly. */
const SAFE_BIGINT = 2n ** 53n
const INT128_MIN = -(2n ** 127n)
const INT128_MAX = 2n ** 127n - 1n

/** The bytes of `n` as an unsigned LEB128 varint. */
function varintBytes(n: number): number {
  let bytes = 1
  for (let rest = n; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++
  return bytes
}
