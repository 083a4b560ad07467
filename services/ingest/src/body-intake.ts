import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { BodyTooLarge, contentLengthOf, DRAIN_FACTOR, readBoundedBody } from './bounded-body.ts'
import type { RefusalReason } from './ingest-metrics.ts'
import type { BodyFormat } from './parse-body.ts'

const MEDIA_TYPES: Record<string, BodyFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
}

/** Answers a whole request with `{error, message}` (and Retry-After when given), counting it by reason. */
export type Refuse = (
  reply: FastifyReply,
  status: number,
  reason: RefusalReason,
  message: string,
  retryAfterSeconds?: number,
) => FastifyReply

class UnsupportedMediaType extends Error {}

/**
 * Bodies arrive as raw bytes (limited to maxBodyBytes as sent) and are decoded
 * by the route, so every bad body gets our answer, not a framework's. A body
 * refused whole (too large, wrong Content-Type) is read to its end first, up
 * to DRAIN_FACTOR times the limit, so the answer reaches a sender that reads
 * only once it has sent everything, instead of a connection reset.
 */
export function registerBodyIntake(
  scope: FastifyInstance,
  maxBodyBytes: number,
  refuse: Refuse,
  onUnexpected: (err: unknown) => void,
): void {
  const boundsOf = (request: FastifyRequest) => ({
    limit: maxBodyBytes,
    drainLimit: maxBodyBytes * DRAIN_FACTOR,
    contentLength: contentLengthOf(headerOf(request, 'content-length')),
  })
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser(Object.keys(MEDIA_TYPES), (request, payload, done) => {
    readBoundedBody(payload, boundsOf(request)).then(
      (body) => done(null, body),
      (err: Error) => done(err, undefined),
    )
  })
  scope.addContentTypeParser('*', (request, payload, done) => {
    // Read (and drop) it too, so the 415 reaches a sender still sending.
    const refuseType = () => done(new UnsupportedMediaType(), undefined)
    readBoundedBody(payload, { ...boundsOf(request), limit: 0 }).then(refuseType, refuseType)
  })
  scope.setErrorHandler((err, request, reply) => {
    if (err instanceof BodyTooLarge) {
      return refuse(reply, 413, 'body_too_large', `the body is over ${maxBodyBytes} bytes`)
    }
    if (err instanceof UnsupportedMediaType) {
      return refuse(
        reply,
        415,
        'unsupported_media_type',
        `Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')} is not supported; send application/json or application/x-ndjson`,
      )
    }
    const status = (err as { statusCode?: unknown }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Content-Length mismatch, aborted upload: the body did not arrive whole.
      return refuse(
        reply,
        400,
        'undecodable_body',
        `the body did not arrive whole: ${(err as Error).message}`,
      )
    }
    onUnexpected(err)
    return reply.code(500).send({ error: 'internal', message: 'unexpected error; retry later' })
  })
}

/** The raw body and its format, or null when it has no supported Content-Type (or no body at all). */
export function bodyOf(request: FastifyRequest): { raw: Buffer; format: BodyFormat } | null {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const format = MEDIA_TYPES[mediaType]
  return Buffer.isBuffer(request.body) && format !== undefined ? { raw: request.body, format } : null
}

/** A header as one string (repeated headers joined by commas, as HTTP allows). */
export function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(',') : value
}
