import { describe, expect, it } from 'vitest'
import { parseAudiences, parseAudiencesYaml } from './audience-definitions.ts'

const DAY = 86_400_000

const CART = `
audiences:
  - name: cart-abandoners
    include:
      type: engagement
      actions: [add_to_cart, begin_checkout]
      channel: google
      lookback: 30d
    exclude:
      type: conversion
      action: purchase
    duration: 14d
  - name: recent-clickers
    include: { type: click, campaigns: [spring, summer], lookback: 7d }
    exclude: { type: conversion, lookback: 90d }
    duration: 7d
`

describe('parseAudiencesYaml', () => {
  it('reads include, exclude and duration, lists or single values', () => {
    const result = parseAudiencesYaml(CART)
    expect(result).toEqual({
      ok: true,
      audiences: [
        {
          name: 'cart-abandoners',
          include: {
            type: 'engagement',
            actions: ['add_to_cart', 'begin_checkout'],
            channels: ['google'],
            campaigns: [],
            lookbackMs: 30 * DAY,
          },
          exclude: {
            type: 'conversion',
            actions: ['purchase'],
            channels: [],
            campaigns: [],
            lookbackMs: undefined,
          },
          durationMs: 14 * DAY,
        },
        {
          name: 'recent-clickers',
          include: {
            type: 'click',
            actions: [],
            channels: [],
            campaigns: ['spring', 'summer'],
            lookbackMs: 7 * DAY,
          },
          exclude: { type: 'conversion', actions: [], channels: [], campaigns: [], lookbackMs: 90 * DAY },
          durationMs: 7 * DAY,
        },
      ],
    })
  })

  it('accepts an audience without exclude, and an empty list', () => {
    const one = parseAudiences({
      audiences: [{ name: 'viewers', include: { type: 'impression', lookback: '1d' }, duration: '1d' }],
    })
    expect(one.ok && one.audiences[0]?.exclude).toBeUndefined()
    expect(parseAudiences({ audiences: [] })).toEqual({ ok: true, audiences: [] })
  })

  it('names the audience and the field of every problem', () => {
    const result = parseAudiences({
      audiences: [
        {
          name: 'bad-one',
          include: { type: 'purchase', lookback: 'soon', channel: 'a', channels: ['b'] },
          exclude: { type: 'click', action: 'x', when: 'later' },
          duration: 0,
          colour: 'red',
        },
        { name: 'Not A Slug', include: { type: 'click', lookback: '1d' }, duration: '1d' },
        { name: 'twice', include: { type: 'click', lookback: '1d' }, duration: '1d' },
        { name: 'twice', include: { type: 'click', lookback: '1d' }, duration: '1d' },
        { name: 'no-include', duration: '1d' },
      ],
    })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.errors).toEqual([
      'audience "bad-one": colour: unknown field',
      'audience "bad-one": include.type: expected one of impression, click, conversion, engagement, got "purchase"',
      'audience "bad-one": include.channels: give channel or channels, not both',
      'audience "bad-one": include.lookback: expected a duration like 30m, 12h or 30d, got "soon"',
      'audience "bad-one": exclude.when: unknown field',
      'audience "bad-one": exclude.actions: only engagements and conversions have an action, not clicks',
      'audience "bad-one": duration: expected a duration like 30m, 12h or 30d, got 0',
      'audience #2: name: expected a slug of a-z, 0-9, _ and -, got "Not A Slug"',
      'audience "twice": name: used by another audience',
      'audience "no-include": include: expected an object with a type (and actions, channels, campaigns), got nothing',
    ])
  })

  it('refuses a document without an audiences list and text that is not YAML', () => {
    expect(parseAudiences({ rules: [] })).toEqual({
      ok: false,
      errors: ['audiences: expected a list under "audiences"'],
    })
    const broken = parseAudiencesYaml('audiences: [')
    expect(broken.ok).toBe(false)
    expect(!broken.ok && broken.errors[0]).toMatch(/^not valid YAML: /)
  })

  it('refuses empty action lists and non-string names', () => {
    const result = parseAudiences({
      audiences: [
        {
          name: 'a',
          include: { type: 'conversion', actions: [], campaign: 7, lookback: '1d' },
          duration: '1d',
        },
      ],
    })
    expect(!result.ok && result.errors).toEqual([
      'audience "a": include.actions: expected a non-empty string or list of strings, got []',
      'audience "a": include.campaign: expected a non-empty string or list of strings, got 7',
    ])
  })
})
