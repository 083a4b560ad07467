import { describe, expect, it } from 'vitest'
import { customerMatchHash, normaliseIdentifier } from './customer-match-hash.ts'

describe('customerMatchHash', () => {
  it('is the lowercase hex SHA-256 of the trimmed, lowercased identifier', () => {
    expect(normaliseIdentifier('  Ann@Example.COM \n')).toBe('ann@example.com')
    // printf '%s' 'ann@example.com' | sha256sum
    expect(customerMatchHash('  Ann@Example.COM \n')).toBe(
      '71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476',
    )
    expect(customerMatchHash('u-1')).toBe('a24a7f55f278dd49fb1f99c5507800cb198a5bfe10fe2126cd0b25672152b0da')
  })
})
