import { createHash } from 'node:crypto'

/**
 * An identifier as ad platforms' customer-match uploads expect it (Google Ads
 * Customer Match, Meta Custom Audiences): trimmed, lowercased, then SHA-256 as
 * lowercase hex. The platforms hash their own copy the same way and match the digests.
 */
export function customerMatchHash(identifier: string): string {
  return createHash('sha256').update(normaliseIdentifier(identifier), 'utf8').digest('hex')
}

/** Trimmed and lowercased: ` Ann@Example.com ` and `ann@example.com` are one person. */
export function normaliseIdentifier(identifier: string): string {
  return identifier.trim().toLowerCase()
}
