import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'

const gunzipAsync = promisify(gunzip)
const utf8 = new TextDecoder('utf-8', { fatal: true })

export type DecodedBody =
  | { ok: true; text: string }
  | {
      ok: false
      status: 400 | 413 | 415
      error: 'unsupported_encoding' | 'inflated_body_too_large' | 'undecodable_body'
      message: string
    }

/**
 * The text of a request body: gunzipped when `Content-Encoding: gzip`, with
 * the inflated size capped (zlib stops at maxInflatedBytes, so a gzip bomb
 * costs at most that much memory), then decoded as strict UTF-8.
 */
export async function decodeBody(
  raw: Buffer,
  contentEncoding: string | undefined,
  maxInflatedBytes: number,
): Promise<DecodedBody> {
  const encoding = (contentEncoding ?? '').trim().toLowerCase()
  let bytes = raw
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    try {
      bytes = await gunzipAsync(raw, { maxOutputLength: maxInflatedBytes })
    } catch (err) {
      if (err instanceof RangeError) {
        return {
          ok: false,
          status: 413,
          error: 'inflated_body_too_large',
          message: `the gzip body inflates to more than ${maxInflatedBytes} bytes`,
        }
      }
      return {
        ok: false,
        status: 400,
        error: 'undecodable_body',
        message: `the body is not valid gzip (${(err as Error).message}); truncated?`,
      }
    }
  } else if (encoding !== '' && encoding !== 'identity') {
    return {
      ok: false,
      status: 415,
      error: 'unsupported_encoding',
      message: `Content-Encoding ${JSON.stringify(encoding)} is not supported; send gzip or none`,
    }
  }
  try {
    return { ok: true, text: utf8.decode(bytes) }
  } catch {
    return { ok: false, status: 400, error: 'undecodable_body', message: 'the body is not valid UTF-8' }
  }
}
