import { describe, expect, it } from 'vitest'
import { type Click, clickMatches, creditOf, lastClick } from './click-match.ts'

const MIN = 60_000
const RULE = { windowMs: 7 * 24 * 60 * MIN, waitMs: 15 * MIN }
const T = Date.UTC(2026, 10, 22, 12)

const click = (over: Partial<Click> = {}): Click => ({
  event_id: 'c-1',
  click_id: 'k-1',
  occurred_at: T - 10 * MIN,
  received_at: T - 10 * MIN,
  channel: 'search',
  campaign_id: 'camp-1',
  ad_id: 'ad-1',
  ...over,
})
const conversion = { click_id: 'k-1', occurred_at: T, received_at: T }

describe('clickMatches', () => {
  it('matches a click of the same click_id before the conversion, within the window', () => {
    expect(clickMatches(click(), conversion, RULE)).toBe(true)
    expect(clickMatches(click({ occurred_at: T }), conversion, RULE)).toBe(true)
    expect(clickMatches(click({ occurred_at: T - RULE.windowMs }), conversion, RULE)).toBe(true)
  })

  it('refuses another click_id, a click after the conversion, or one outside the window', () => {
    expect(clickMatches(click({ click_id: 'k-2' }), conversion, RULE)).toBe(false)
    expect(clickMatches(click({ occurred_at: T + 1 }), conversion, RULE)).toBe(false)
    expect(clickMatches(click({ occurred_at: T - RULE.windowMs - 1 }), conversion, RULE)).toBe(false)
  })

  it('refuses a click received after the conversion waited out, whenever it is asked', () => {
    expect(clickMatches(click({ received_at: T + RULE.waitMs }), conversion, RULE)).toBe(true)
    expect(clickMatches(click({ received_at: T + RULE.waitMs + 1 }), conversion, RULE)).toBe(false)
  })
})

describe('lastClick', () => {
  it('takes the latest matching click, the smallest event_id on a tie', () => {
    const early = click({ event_id: 'c-a', occurred_at: T - 20 * MIN })
    const late = click({ event_id: 'c-b', occurred_at: T - 5 * MIN })
    const twin = click({ event_id: 'c-0', occurred_at: T - 5 * MIN })
    const future = click({ event_id: 'c-f', occurred_at: T + MIN })
    expect(lastClick([early, late, future], conversion, RULE)).toBe(late)
    expect(lastClick([late, twin, early], conversion, RULE)).toBe(twin)
    expect(lastClick([twin, late], conversion, RULE)).toBe(twin)
    expect(lastClick([future], conversion, RULE)).toBeNull()
  })
})

describe('creditOf', () => {
  it('credits the click as soon as it is known', () => {
    expect(creditOf(conversion, [click()], RULE, 0)).toEqual({ kind: 'click', click: click() })
  })

  it('waits without a click until every click of the wait is written, then says unattributed', () => {
    expect(creditOf(conversion, [], RULE, T + RULE.waitMs - 1)).toEqual({ kind: 'waiting' })
    expect(creditOf(conversion, [], RULE, T + RULE.waitMs)).toEqual({ kind: 'unattributed' })
    const tooLate = click({ received_at: T + RULE.waitMs + 1 })
    expect(creditOf(conversion, [tooLate], RULE, T + RULE.waitMs)).toEqual({ kind: 'unattributed' })
  })
})
