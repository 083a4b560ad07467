import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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
 * by the route, so every bad body gets our answer, not a framework's: the
 * framework's own refusals (size, Content-Length mismatch) are mapped here.
 */
export function registerBodyIntake(
  scope: FastifyInstance,
  maxBodyBytes: number,
  refuse: Refuse,
  onUnexpected: (err: unknown) => void,
): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser(
    Object.keys(MEDIA_TYPES),
    { parseAs: 'buffer', bodyLimit: maxBodyBytes },
    (_request, body, done) => done(null, body),
  )
  scope.addContentTypeParser('*', (_request, _payload, done) => {
    done(new UnsupportedMediaType(), undefined)
  })
  scope.setErrorHandler((err, request, reply) => {
    const code = (err as { code?: unknown }).code
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
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
