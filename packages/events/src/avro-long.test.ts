import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { longFromVarint, varintOfLong } from './avro-long.ts'

/** Longs across every varint length and both arithmetic paths, with the int64 edges. */
const LONGS = [
  0n,
  1n,
  -1n,
  63n,
  -64n,
  64n,
  1_796_115_036_202n,
  -1_796_115_036_202n,
  2n ** 48n - 1n,
  2n ** 48n,
  -(2n ** 48n),
  2n ** 52n - 1n,
  -(2n ** 52n) + 1n,
  2n ** 52n,
  -(2n ** 52n),
  9_007_199_254_740_993n,
  2n ** 62n,
  2n ** 63n - 1n,
  -(2n ** 63n),
]

describe('Avro long varints', () => {
  it("writes a long as avsc's own long type does, and reads it back exactly", () => {
    const plain = avro.Type.forSchema('long')
    for (const value of LONGS) {
      const bytes = varintOfLong(value)
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
        expect(bytes.equals(plain.toBuffer(Number(value)))).toBe(true)
      }
      expect(longFromVarint(bytes)).toBe(value)
    }
  })

  it('reads the ten-byte varints of the int64 edges (the bigint path)', () => {
    expect(varintOfLong(2n ** 63n - 1n).toString('hex')).toBe('feffffffffffffffff01')
    expect(varintOfLong(-(2n ** 63n)).toString('hex')).toBe('ffffffffffffffffff01')
    expect(longFromVarint(Buffer.from('feffffffffffffffff01', 'hex'))).toBe(2n ** 63n - 1n)
  })

  it('refuses longs outside int64, overlong varints and varints beyond 64 bits', () => {
    expect(() => varintOfLong(2n ** 63n)).toThrow(RangeError)
    expect(() => varintOfLong(-(2n ** 63n) - 1n)).toThrow(RangeError)
    expect(() => longFromVarint(Buffer.alloc(0))).toThrow(RangeError)
    expect(() => longFromVarint(Buffer.from('ffffffffffffffffffff01', 'hex'))).toThrow(RangeError)
    expect(() => longFromVarint(Buffer.from('ffffffffffffffffff7f', 'hex'))).toThrow(RangeError)
  })
})
