import type { Readable } from 'node:stream'

/**
 * How far past the body limit a refused body is still read (and dropped),
 * as a multiple of the limit. Answering while the sender is still sending and
 * then closing makes the kernel reset the connection, and a client that reads
 * only after sending (curl at times, Python's http.client, most SDKs) then
 * sees no status at all, just the reset. Reading the rest first costs
 * bandwidth, never memory; past this bound the sender is cut off.
 */
export const DRAIN_FACTOR = 8

/** The body is over the limit. `drained`: read to its end, so the answer reaches the sender. */
export class BodyTooLarge extends Error {
  constructor(readonly drained: boolean) {
    super('the body is over the limit')
  }
}

/** The body ended before (or after) its Content-Length, or the upload broke off. */
export class BodyIncomplete extends Error {
  /** Read as a client error by the error handler, as the framework's own refusals are. */
  readonly statusCode = 400
}

export interface BodyBounds {
  /** Most bytes kept. */
  limit: number
  /** Most bytes read before giving up on reading to the end (at least `limit`). */
  drainLimit: number
  /** The Content-Length header, when the body was sent with one. */
  contentLength: number | undefined
}

/**
 * The bytes of a request body, at most `limit` of them. A larger body is read
 * to its end and dropped (up to `drainLimit`), then refused with BodyTooLarge,
 * so the sender has finished sending when the answer comes.
 */
export function readBoundedBody(stream: Readable, bounds: BodyBounds): Promise<Buffer> {
  const { limit, drainLimit, contentLength } = bounds
  return new Promise((resolve, reject) => {
    if (contentLength !== undefined && contentLength > drainLimit) {
      // Announced too large to be worth reading: refuse at once.
      reject(new BodyTooLarge(false))
      return
    }
    let received = 0
    let chunks: Buffer[] = []
    const settle = (outcome: () => void) => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onError)
      stream.off('close', onClose)
      outcome()
    }
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      received += bytes.length
      if (received > drainLimit) {
        // Read no further: the answer goes out and the connection closes.
        stream.pause()
        settle(() => reject(new BodyTooLarge(false)))
        return
      }
      if (received > limit) chunks = []
      else chunks.push(bytes)
    }
    const onEnd = () =>
      settle(() => {
        if (received > limit) reject(new BodyTooLarge(true))
        else if (contentLength !== undefined && received !== contentLength) {
          reject(new BodyIncomplete(`got ${received} bytes of the ${contentLength} announced`))
        } else resolve(Buffer.concat(chunks, received))
      })
    const onError = (err: Error) => settle(() => reject(new BodyIncomplete(err.message)))
    const onClose = () => settle(() => reject(new BodyIncomplete('the upload broke off')))
    stream.on('data', onData)
    stream.on('end', onEnd)
    stream.on('error', onError)
    stream.on('close', onClose)
    stream.resume()
  })
}

/** The Content-Length header as a number, or undefined when absent or not a plain count. */
export function contentLengthOf(header: string | undefined): number | undefined {
  return header !== undefined && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined
}
