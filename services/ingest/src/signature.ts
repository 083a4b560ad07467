import { createHmac, timingSafeEqual } from 'node:crypto'
import type { KeyEntry } from './key-file.ts'
import type { ReplayGuard } from './replay-guard.ts'

/** Header with the signing time, in epoch seconds. */
export const TIMESTAMP_HEADER = 'x-adpulse-timestamp'
/** Header with `v1=<hex HMAC-SHA256>`; several comma-separated while a secret rotates. */
export const SIGNATURE_HEADER = 'x-adpulse-signature'

export type SignatureMode = 'off' | 'optional' | 'required'

export type SignatureError = 'signature_required' | 'bad_signature' | 'signature_expired' | 'replayed_request'

/** What a sender reads when its signature is refused. */
export const SIGNATURE_MESSAGES: Record<SignatureError, string> = {
  signature_required: `this key must sign its requests (${TIMESTAMP_HEADER}, ${SIGNATURE_HEADER})`,
  bad_signature: `${SIGNATURE_HEADER} does not match HMAC-SHA256 of "<${TIMESTAMP_HEADER}>." and the body`,
  signature_expired: `${TIMESTAMP_HEADER} is outside the accepted window; sign with the current time`,
  replayed_request: 'this signed request was already taken; sign a retry anew',
}

export type SignatureCheck = { ok: true; claimed: string | null } | { ok: false; error: SignatureError }

/**
 * The signature of a request: HMAC-SHA256 with the key's secret over
 * `<timestamp>.` followed by the raw body bytes as sent (before any gunzip),
 * hex encoded. The timestamp binds the body to a moment, so a captured request
 * cannot be replayed later (tolerance) nor twice (replay guard).
 */
export function signRequest(secret: string, timestampSeconds: number, body: Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex')
}

export interface VerifyInput {
  key: KeyEntry
  timestamp: string | undefined
  signature: string | undefined
  body: Buffer
  nowMs: number
}

/** The signature headers of a request and the body they sign, as sent. */
export type SignedRequest = Pick<VerifyInput, 'timestamp' | 'signature' | 'body'>

/** Checks a request's signature as the mode and the key ask; claims it against replays when valid. */
export function verifySignature(
  input: VerifyInput,
  mode: SignatureMode,
  toleranceMs: number,
  guard: ReplayGuard,
): SignatureCheck {
  if (mode === 'off') return { ok: true, claimed: null }
  const signed = input.signature !== undefined || input.timestamp !== undefined
  if (!signed) {
    return mode === 'required' || input.key.requireSignature
      ? { ok: false, error: 'signature_required' }
      : { ok: true, claimed: null }
  }
  if (!/^\d{1,12}$/.test(input.timestamp ?? '')) return { ok: false, error: 'bad_signature' }
  const timestampSeconds = Number(input.timestamp)
  const timestampMs = timestampSeconds * 1000
  if (Math.abs(input.nowMs - timestampMs) > toleranceMs) return { ok: false, error: 'signature_expired' }

  const expected = Buffer.from(
    signRequest(input.key.secret ?? input.key.key, timestampSeconds, input.body),
    'hex',
  )
  let matched: string | null = null
  for (const part of (input.signature ?? '').split(',')) {
    const hex = /^\s*v1=([0-9a-f]{64})\s*$/i.exec(part)?.[1]
    if (hex && timingSafeEqual(Buffer.from(hex, 'hex'), expected)) matched = hex.toLowerCase()
  }
  if (matched === null) return { ok: false, error: 'bad_signature' }
  const claim = `${input.key.source}:${matched}`
  if (!guard.claim(claim, timestampMs, input.nowMs)) {
    return {
      ok: false,
      error: timestampMs <= guard.floor ? 'signature_expired' : 'replayed_request',
    }
  }
  return { ok: true, claimed: claim }
}
