import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd'
import kafkajs from 'kafkajs'
import { compressFrame, decompressFrame } from 'lz4-napi'

/** Record batch codecs a producer may write: gzip is built into kafkajs, lz4 and zstd are added here. */
export const COMPRESSIONS = ['gzip', 'lz4', 'zstd', 'none'] as const
export type Compression = (typeof COMPRESSIONS)[number]

// Node's ESM import of kafkajs (CommonJS) does not see CompressionCodecs as a named export.
const { CompressionCodecs, CompressionTypes } = kafkajs

export const COMPRESSION_TYPES: Record<Compression, kafkajs.CompressionTypes> = {
  gzip: CompressionTypes.GZIP,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
  none: CompressionTypes.None,
}

/**
 * kafkajs ships gzip only and looks other codecs up in a table shared by the
 * whole process, for producing and consuming alike: with these, a consumer of
 * ours also reads batches that any producer (ours, kcat, a Java client) wrote
 * with lz4 or zstd. Both libraries are Rust through N-API with prebuilt
 * binaries in their npm packages, and compress on the libuv thread pool, off
 * the event loop. Kafka's lz4 is the LZ4 frame format (KIP-57).
 */
let registered = false
export function registerCodecs(): void {
  if (registered) return
  registered = true
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: (encoder: { buffer: Buffer }) => compressFrame(encoder.buffer),
    decompress: (buffer: Buffer) => decompressFrame(buffer),
  })
  CompressionCodecs[CompressionTypes.ZSTD] = () => ({
    compress: (encoder: { buffer: Buffer }) => zstdCompress(encoder.buffer),
    decompress: (buffer: Buffer) => zstdDecompress(buffer),
  })
}
