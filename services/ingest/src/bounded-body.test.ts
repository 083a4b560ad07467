import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { BodyIncomplete, BodyTooLarge, contentLengthOf, readBoundedBody } from './bounded-body.ts'

/** A body arriving in chunks, counting how much of it was read. */
function upload(chunks: number, chunkBytes: number) {
  const stream = { read: 0, source: Readable.from([] as Buffer[]) }
  let sent = 0
  stream.source = new Readable({
    read() {
      if (sent === chunks) this.push(null)
      else {
        sent++
        stream.read += chunkBytes
        this.push(Buffer.alloc(chunkBytes, 0x61))
      }
    },
  })
  return stream
}

describe('readBoundedBody', () => {
  it('gives the whole body when it is within the limit', async () => {
    const body = upload(4, 256)
    const bytes = await readBoundedBody(body.source, { limit: 1024, drainLimit: 8192, contentLength: 1024 })
    expect(bytes).toEqual(Buffer.alloc(1024, 0x61))
  })

  it('reads a body over the limit to its end before refusing it (drained)', async () => {
    const body = upload(20, 256)
    const refusal = readBoundedBody(body.source, { limit: 1024, drainLimit: 8192, contentLength: undefined })
    await expect(refusal).rejects.toEqual(new BodyTooLarge(true))
    await expect(refusal).rejects.toMatchObject({ drained: true })
    expect(body.read).toBe(20 * 256)
  })

  it('stops reading past the drain limit and refuses undrained', async () => {
    const body = upload(1000, 256)
    const refusal = readBoundedBody(body.source, { limit: 1024, drainLimit: 4096, contentLength: undefined })
    await expect(refusal).rejects.toMatchObject({ drained: false })
    expect(body.read).toBeLessThan(1000 * 256)
  })

  it('refuses at once, reading nothing, a body announced beyond the drain limit', async () => {
    const body = upload(1000, 256)
    const refusal = readBoundedBody(body.source, { limit: 1024, drainLimit: 4096, contentLength: 256_000 })
    await expect(refusal).rejects.toBeInstanceOf(BodyTooLarge)
    await expect(refusal).rejects.toMatchObject({ drained: false })
    expect(body.read).toBe(0)
  })

  it('refuses a body shorter than its Content-Length, and one that breaks off, as incomplete (400)', async () => {
    const short = readBoundedBody(upload(2, 100).source, {
      limit: 1024,
      drainLimit: 8192,
      contentLength: 300,
    })
    await expect(short).rejects.toBeInstanceOf(BodyIncomplete)
    await expect(short).rejects.toMatchObject({
      statusCode: 400,
      message: 'got 200 bytes of the 300 announced',
    })

    const broken = new Readable({ read() {} })
    const refusal = readBoundedBody(broken, { limit: 1024, drainLimit: 8192, contentLength: undefined })
    broken.destroy(new Error('aborted'))
    await expect(refusal).rejects.toMatchObject({ statusCode: 400, message: 'aborted' })
  })

  it('reads Content-Length only when it is a plain count', () => {
    expect(contentLengthOf('1024')).toBe(1024)
    expect(contentLengthOf(' 0 ')).toBe(0)
    expect(contentLengthOf(undefined)).toBeUndefined()
    expect(contentLengthOf('-1')).toBeUndefined()
    expect(contentLengthOf('12, 12')).toBeUndefined()
  })
})
