import { describe, expect, it } from 'vitest'
import {
  actionRule,
  channelRule,
  currencyRule,
  DEFAULT_CONTRACT,
  eventTimeRule,
  idRule,
  lengthRule,
  MAX_EVENT_MICROS,
  moneyRule,
  slugRule,
} from './contract.ts'

describe('idRule', () => {
  it('takes 1 to maxLength characters', () => {
    expect(idRule('e', 128)).toBeNull()
    expect(idRule('e'.repeat(128), 128)).toBeNull()
    expect(idRule('', 128)).toBe('a string of 1-128 characters')
    expect(idRule('e'.repeat(129), 128)).toBe('a string of 1-128 characters')
    expect(idRule('e'.repeat(150), 200)).toBeNull()
  })

  it('refuses control characters, U+0000 first: the dedup key joins ids with it', () => {
    const expected = 'no control characters (U+0000-U+001F, U+007F-U+009F)'
    for (const text of ['a\u0000b', '\u0000', 'tab\t', 'line\n', 'del\u007f', 'c1\u0085']) {
      expect(idRule(text, 128), JSON.stringify(text)).toBe(expected)
    }
    expect(idRule('ü-é 漢字 🙂 -_.:/', 128)).toBeNull()
  })
})

describe('the other field rules', () => {
  it('lengthRule bounds an action', () => {
    expect(lengthRule('purchase', 64)).toBeNull()
    expect(lengthRule('', 64)).toBe('a string of 1-64 characters')
    expect(lengthRule('a'.repeat(65), 64)).toBe('a string of 1-64 characters')
  })

  it('channelRule wants a lowercase slug of 1-64 characters', () => {
    expect(channelRule('paid_search-2')).toBeNull()
    expect(channelRule(`a${'b'.repeat(63)}`)).toBeNull()
    for (const bad of ['', 'Search', '_search', 'a b', `a${'b'.repeat(64)}`]) {
      expect(channelRule(bad), bad).toBe('a lowercase slug of 1-64 characters (a-z, 0-9, _ or -)')
    }
  })

  it('slugRule takes a lowercase slug of 1 to maxLength characters, the rule of channels', () => {
    expect(slugRule('video_view', 10)).toBeNull()
    expect(slugRule('a-1', 3)).toBeNull()
    expect(slugRule('abcd', 3)).toBe('a lowercase slug of 1-3 characters (a-z, 0-9, _ or -)')
    for (const bad of ['', 'Like', '_like', '-like', 'video view', 'like!', 'é']) {
      expect(slugRule(bad, 64), bad).toBe('a lowercase slug of 1-64 characters (a-z, 0-9, _ or -)')
    }
  })

  it("actionRule: a conversion's action is any string of 1-max characters, an engagement's a slug", () => {
    expect(actionRule('conversion', 'Lead form', 64)).toBeNull()
    expect(actionRule('conversion', '', 64)).toBe('a string of 1-64 characters')
    expect(actionRule('conversion', 'a'.repeat(65), 64)).toBe('a string of 1-64 characters')
    for (const action of ['like', 'share', 'comment', 'save', 'follow', 'video_view', 'poll-vote-2']) {
      expect(actionRule('engagement', action, 64), action).toBeNull()
    }
    const slug = 'a lowercase slug of 1-64 characters (a-z, 0-9, _ or -)'
    for (const bad of ['', 'Like', 'video view', '_like', 'a'.repeat(65)]) {
      expect(actionRule('engagement', bad, 64), bad).toBe(slug)
    }
    expect(actionRule('engagement', 'like', 3)).toBe('a lowercase slug of 1-3 characters (a-z, 0-9, _ or -)')
  })

  it('moneyRule takes 0 to 2^63 - 1 micros', () => {
    expect(moneyRule(0n)).toBeNull()
    expect(moneyRule(MAX_EVENT_MICROS)).toBeNull()
    expect(moneyRule(-1n)).toMatch(/integer micros >= 0/)
    expect(moneyRule(MAX_EVENT_MICROS + 1n)).toMatch(/at most 2\^63 - 1/)
  })

  it('currencyRule wants an ISO 4217 code in circulation', () => {
    expect(currencyRule('EUR')).toBeNull()
    expect(currencyRule('usd')).toBe('an ISO 4217 code such as USD')
    expect(currencyRule('ABC')).toBe('an ISO 4217 code of a currency in circulation, such as USD or EUR')
  })
})

describe('eventTimeRule', () => {
  const received = Date.UTC(2026, 10, 22, 12)
  const { allowedLatenessMs: late, maxClockSkewMs: skew } = DEFAULT_CONTRACT

  it('takes times on both edges of the window around the receipt', () => {
    expect(eventTimeRule(received - late, received, DEFAULT_CONTRACT)).toBeNull()
    expect(eventTimeRule(received + skew, received, DEFAULT_CONTRACT)).toBeNull()
  })

  it('names too_late and too_far_in_future one millisecond outside', () => {
    expect(eventTimeRule(received - late - 1, received, DEFAULT_CONTRACT)).toEqual({
      reason: 'too_late',
      expected: `an event time within the allowed lateness of ${late} ms`,
    })
    expect(eventTimeRule(received + skew + 1, received, DEFAULT_CONTRACT)).toEqual({
      reason: 'too_far_in_future',
      expected: `an event time at most ${skew} ms in the future`,
    })
  })

  it('judges against the receipt it is given, not the clock', () => {
    const old = received - 30 * 86_400_000
    expect(eventTimeRule(old, received, DEFAULT_CONTRACT)?.reason).toBe('too_late')
    expect(eventTimeRule(old, old + 1000, DEFAULT_CONTRACT)).toBeNull()
  })
})
