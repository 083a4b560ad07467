import { describe, expect, it } from 'vitest'
import { createKeyLookup, envKeyEntries } from './api-keys.ts'

const byKey = createKeyLookup(
  envKeyEntries(
    new Map([
      ['k-alpha-0123456789', 'partner-a'],
      ['k-beta-9876543210', 'partner-b'],
    ]),
  ),
)
const lookup = (authorization: string | undefined) => byKey(authorization)?.source ?? null

describe('createKeyLookup', () => {
  it('finds the source of a correct key', () => {
    expect(lookup('Bearer k-alpha-0123456789')).toBe('partner-a')
    expect(lookup('Bearer k-beta-9876543210')).toBe('partner-b')
  })

  it('accepts the scheme in any case and several spaces', () => {
    expect(lookup('bearer k-alpha-0123456789')).toBe('partner-a')
    expect(lookup('BEARER   k-beta-9876543210')).toBe('partner-b')
  })

  it('rejects a wrong key, a prefix of a key or a key with extra characters', () => {
    expect(lookup('Bearer k-gamma-000')).toBeNull()
    expect(lookup('Bearer k-alpha-012345678')).toBeNull()
    expect(lookup('Bearer k-alpha-01234567890')).toBeNull()
    expect(lookup('Bearer K-ALPHA-0123456789')).toBeNull()
    expect(lookup('Bearer partner-a')).toBeNull()
  })

  it('rejects a missing or empty header', () => {
    expect(lookup(undefined)).toBeNull()
    expect(lookup('')).toBeNull()
    expect(lookup('Bearer')).toBeNull()
    expect(lookup('Bearer ')).toBeNull()
  })

  it('rejects another scheme or a bare key', () => {
    expect(lookup('Basic k-alpha-0123456789')).toBeNull()
    expect(lookup('Token k-alpha-0123456789')).toBeNull()
    expect(lookup('k-alpha-0123456789')).toBeNull()
    expect(lookup('Bearer k-alpha-0123456789 extra')).toBeNull()
    expect(lookup('Bearerk-alpha-0123456789')).toBeNull()
  })

  it('knows no key when none is configured', () => {
    expect(createKeyLookup([])('Bearer k-alpha-0123456789')).toBeNull()
  })
})
