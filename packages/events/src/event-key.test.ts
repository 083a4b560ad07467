import { describe, expect, it } from 'vitest'
import { mayOmitCreditKeys } from './contract.ts'
import { eventKeyOf } from './event.ts'

describe('the key of an event on the events topic', () => {
  it('is its campaign, or the click_id of a postback that has no campaign', () => {
    expect(eventKeyOf({ campaign_id: 'camp-1', click_id: 'k-1' })).toBe('camp-1')
    expect(eventKeyOf({ campaign_id: '', click_id: 'k-1' })).toBe('k-1')
  })
})

describe('mayOmitCreditKeys', () => {
  it('lets only a conversion with a click_id omit channel and campaign_id', () => {
    expect(mayOmitCreditKeys('conversion', 'k-1')).toBe(true)
    expect(mayOmitCreditKeys('conversion', null)).toBe(false)
    expect(mayOmitCreditKeys('conversion', '')).toBe(false)
    expect(mayOmitCreditKeys('click', 'k-1')).toBe(false)
    expect(mayOmitCreditKeys('engagement', 'k-1')).toBe(false)
  })
})
