import { describe, expect, it } from 'vitest'
import { RowBinaryWriter } from './row-binary.ts'

/** The bytes one call writes, as hex. */
function hexOf(write: (out: RowBinaryWriter) => void): string {
  const out = new RowBinaryWriter()
  write(out)
  return out.finish().values.toString('hex')
}

describe('RowBinaryWriter', () => {
  it('writes a String as its UTF-8 length (LEB128) and bytes, at every length of that varint', () => {
    expect(hexOf((o) => o.string(''))).toBe('00')
    expect(hexOf((o) => o.string('é'))).toBe('02c3a9')
    // ASCII first, then a character beyond it: the string is written again as UTF-8.
    expect(hexOf((o) => o.string('ab€'))).toBe('056162e282ac')
    expect(hexOf((o) => o.string('a'.repeat(63)))).toBe(`3f${'61'.repeat(63)}`)
    expect(hexOf((o) => o.string('a'.repeat(64)))).toBe(`40${'61'.repeat(64)}`)
    const of127 = hexOf((o) => o.string('x'.repeat(127)))
    expect(of127.slice(0, 2)).toBe('7f')
    expect(of127).toHaveLength(2 + 127 * 2)
    // 128 bytes, 64 of them 2-byte characters: the bytes move right for the second byte of length.
    const of128 = new RowBinaryWriter()
    of128.string('é'.repeat(64))
    of128.string('z')
    const bytes = of128.finish().values
    expect(bytes.subarray(0, 2).toString('hex')).toBe('8001')
    expect(bytes.subarray(2, 130).toString('utf8')).toBe('é'.repeat(64))
    expect(bytes.subarray(130).toString('hex')).toBe('017a')
    const of20000 = new RowBinaryWriter()
    of20000.string('€'.repeat(20_000))
    const long = of20000.finish().values
    // 60,000 bytes: a three-byte varint (0xe0 0xd4 0x03).
    expect(long.subarray(0, 3).toString('hex')).toBe('e0d403')
    expect(long.subarray(3).toString('utf8')).toBe('€'.repeat(20_000))
  })

  it('writes Nullable as a flag byte, then the value only when there is one', () => {
    expect(hexOf((o) => o.nullableString(null))).toBe('01')
    expect(hexOf((o) => o.nullableString(undefined))).toBe('01')
    expect(hexOf((o) => o.nullableString(''))).toBe('0000')
    expect(hexOf((o) => o.nullableString('\\N'))).toBe('00025c4e')
    expect(hexOf((o) => o.nullableInt128(null))).toBe('01')
    expect(hexOf((o) => o.nullableInt128(1n))).toBe(`0001${'00'.repeat(15)}`)
  })

  it('writes Int128 in two’s complement, inside 64 bits and beyond, and refuses what Int128 cannot hold', () => {
    expect(hexOf((o) => o.int128(0n))).toBe('00'.repeat(16))
    expect(hexOf((o) => o.int128(2n ** 53n - 1n))).toBe(`ffffffffffff1f00${'00'.repeat(8)}`)
    expect(hexOf((o) => o.int128(-(2n ** 53n) + 1n))).toBe(`010000000000e0ff${'ff'.repeat(8)}`)
    expect(hexOf((o) => o.int128(2n ** 53n))).toBe(`0000000000002000${'00'.repeat(8)}`)
    expect(hexOf((o) => o.int128(-(2n ** 53n)))).toBe(`000000000000e0ff${'ff'.repeat(8)}`)
    expect(hexOf((o) => o.int128(-1n))).toBe('ff'.repeat(16))
    expect(hexOf((o) => o.int128(-(2n ** 63n)))).toBe(`${'00'.repeat(7)}80${'ff'.repeat(8)}`)
    expect(hexOf((o) => o.int128(2n ** 64n + 7n))).toBe(`07${'00'.repeat(7)}01${'00'.repeat(7)}`)
    expect(hexOf((o) => o.int128(-(2n ** 64n)))).toBe(`${'00'.repeat(8)}${'ff'.repeat(8)}`)
    expect(hexOf((o) => o.int128(2n ** 127n - 1n))).toBe(`${'ff'.repeat(15)}7f`)
    expect(hexOf((o) => o.int128(-(2n ** 127n)))).toBe(`${'00'.repeat(15)}80`)
    expect(() => hexOf((o) => o.int128(2n ** 127n))).toThrow(RangeError)
    expect(() => hexOf((o) => o.int128(-(2n ** 127n) - 1n))).toThrow(RangeError)
  })

  it('writes Int64 (DateTime64 milliseconds), UInt32 and UInt64 little-endian, exactly', () => {
    // As Node's own writeBigInt64LE writes 1_795_353_828_678n.
    expect(hexOf((o) => o.int64(1_795_353_828_678))).toBe('465d6d03a2010000')
    expect(hexOf((o) => o.int64(-1))).toBe('ff'.repeat(8))
    expect(hexOf((o) => o.int64(-(2 ** 32)))).toBe('00000000ffffffff')
    expect(hexOf((o) => o.uint32(2 ** 32 - 1))).toBe('ffffffff')
    expect(hexOf((o) => o.uint64(2 ** 53 - 1))).toBe('ffffffffffff1f00')
    expect(hexOf((o) => o.uint64Text('18446744073709551615'))).toBe('ff'.repeat(8))
    expect(hexOf((o) => o.uint64Text('9007199254740993'))).toBe('0100000000002000')
    expect(hexOf((o) => o.uint64Text('42'))).toBe('2a00000000000000')
    for (const bad of ['-1', '18446744073709551616', '1e3', '007', ' 5']) {
      expect(() => hexOf((o) => o.uint64Text(bad)), bad).toThrow()
    }
    expect(() => hexOf((o) => o.int64(0.5))).toThrow(RangeError)
    expect(() => hexOf((o) => o.uint64(-1))).toThrow(RangeError)
  })

  it('writes into the scratch buffer it is given while it fits, and grows past it with every byte kept', () => {
    const scratch = Buffer.alloc(2048)
    const small = new RowBinaryWriter(scratch)
    small.string('abc')
    expect(small.finish().scratch).toBe(scratch)
    const grown = new RowBinaryWriter(scratch)
    for (let i = 0; i < 1000; i++) grown.string(`id-${i}`)
    const { values, scratch: larger } = grown.finish()
    expect(larger).not.toBe(scratch)
    let at = 0
    for (let i = 0; i < 1000; i++) {
      const length = values[at] as number
      expect(values.subarray(at + 1, at + 1 + length).toString('utf8')).toBe(`id-${i}`)
      at += 1 + length
    }
    expect(at).toBe(values.length)
  })
})
