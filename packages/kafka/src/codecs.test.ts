import { CompressionCodecs } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { COMPRESSION_TYPES, registerCodecs } from './codecs.ts'

describe('record batch codecs', () => {
  registerCodecs()
  const records = Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ event_id: `e-${i}` }))))

  it.each(['gzip', 'lz4', 'zstd'] as const)(
    '%s compresses through kafkajs and reads back the same bytes',
    async (name) => {
      const codec = CompressionCodecs[COMPRESSION_TYPES[name] as keyof typeof CompressionCodecs]()
      const compressed: Buffer = await codec.compress({ buffer: records })
      expect(compressed.length).toBeLessThan(records.length)
      expect(Buffer.compare(await codec.decompress(compressed), records)).toBe(0)
    },
  )

  it('writes lz4 in the LZ4 frame format Kafka reads (KIP-57), and zstd as a zstd frame', async () => {
    const lz4 = await CompressionCodecs[COMPRESSION_TYPES.lz4 as keyof typeof CompressionCodecs]().compress({
      buffer: records,
    })
    const zstd = await CompressionCodecs[COMPRESSION_TYPES.zstd as keyof typeof CompressionCodecs]().compress(
      {
        buffer: records,
      },
    )
    expect(lz4.readUInt32LE(0)).toBe(0x184d2204)
    expect(zstd.readUInt32LE(0)).toBe(0xfd2fb528)
  })
})
