import { describe, expect, it } from 'vitest'
import { EventIdWindow } from './event-id-window.ts'

const HOUR = 3_600_000
/** Keys as PartitionDedup makes them; the window compares them whole. */
const key = (id: string, campaign = 'c1', source = 's') => `${source}\u0000${campaign}\u0000${id}`

describe('EventIdWindow', () => {
  it('knows a counted id as a repeat within the horizon, and only then', () => {
    const window = new EventIdWindow(48 * HOUR)
    window.add(key('e1'), 0)
    expect(window.isRepeat(key('e1'), 47 * HOUR)).toBe(true)
    expect(window.isRepeat(key('e1'), 48 * HOUR)).toBe(true)
    expect(window.isRepeat(key('e1'), 48 * HOUR + 1)).toBe(false)
    expect(window.isRepeat(key('e2'), 1)).toBe(false)
  })

  it('tells ids apart by source and campaign', () => {
    const window = new EventIdWindow(HOUR)
    window.add(key('e1'), 0)
    expect(window.isRepeat(key('e1', 'c2'), 1)).toBe(false)
    expect(window.isRepeat(key('e1', 'c1', 'other'), 1)).toBe(false)
  })

  it('prunes ids older than the horizon behind the newest receipt', () => {
    const window = new EventIdWindow(HOUR)
    for (let i = 0; i < 10; i++) window.add(key(`e${i}`), i * 10 * 60_000)
    window.prune()
    // newest at 90 min: everything received before 30 min is gone
    expect(window.size).toBe(7)
    expect(window.isRepeat(key('e2'), 90 * 60_000)).toBe(false)
    expect(window.isRepeat(key('e3'), 90 * 60_000)).toBe(true)
  })

  it('counts an id again once its first receipt left the horizon', () => {
    const window = new EventIdWindow(HOUR)
    window.add(key('e1'), 0)
    window.add(key('e1'), 2 * HOUR)
    expect(window.isRepeat(key('e1'), 2 * HOUR + 30 * 60_000)).toBe(true)
    window.prune()
    expect(window.size).toBe(1)
  })

  it('holds at most maxIds, newest kept, and says which receipts a forgotten id could repeat', () => {
    const window = new EventIdWindow(HOUR, 3)
    expect(window.mayHaveForgotten(0)).toBe(false)
    for (let i = 0; i < 5; i++) window.add(key(`e${i}`), i * 60_000)
    window.prune()
    expect(window.size).toBe(3)
    // e0 and e1 were forgotten for the cap, not for the horizon: memory cannot tell.
    expect(window.isRepeat(key('e1'), 5 * 60_000)).toBe(false)
    expect(window.isRepeat(key('e2'), 5 * 60_000)).toBe(true)
    expect(window.mayHaveForgotten(5 * 60_000)).toBe(true)
    // The newest forgotten (e1, at 1 min) is within the horizon up to 61 min, then out of it.
    expect(window.mayHaveForgotten(HOUR + 60_000)).toBe(true)
    expect(window.mayHaveForgotten(HOUR + 60_001)).toBe(false)
    expect(window.forgottenSince).toBe(60_000 - HOUR)
  })

  it('forgets for the horizon without marking anything as forgotten for the cap', () => {
    const window = new EventIdWindow(HOUR, 3)
    window.add(key('old'), 0)
    window.add(key('new1'), 2 * HOUR)
    window.add(key('new2'), 2 * HOUR + 1)
    window.prune()
    expect(window.size).toBe(2)
    expect(window.mayHaveForgotten(2 * HOUR + 2)).toBe(false)
  })

  it('takes a rebuild that loaded only the newest ids as having forgotten the rest', () => {
    const window = new EventIdWindow(HOUR, 2)
    window.add(key('e8'), 8)
    window.add(key('e9'), 9)
    window.forgetThrough(9)
    expect(window.mayHaveForgotten(10)).toBe(true)
    expect(window.mayHaveForgotten(9 + HOUR + 1)).toBe(false)
  })

  it('holds pending keys as repeats, and forgets them neither for the horizon nor the cap until written', () => {
    const window = new EventIdWindow(HOUR, 1)
    window.add(key('old'), 0)
    window.add(key('recent'), 2 * HOUR)
    window.hold(key('p1'), 2 * HOUR + 1)
    window.hold(key('p2'), 2 * HOUR + 2)
    window.prune()
    // 'old' is past the horizon; the cap of one counts 'recent' only, not the pending keys.
    expect(window.isRepeat(key('old'), 2 * HOUR)).toBe(false)
    expect(window.size).toBe(1)
    expect(window.isRepeat(key('p1'), 2 * HOUR + 3)).toBe(true)
    expect(window.isRepeat(key('p2'), 2 * HOUR + 3)).toBe(true)
    expect(window.mayHaveForgotten(2 * HOUR + 3)).toBe(false)
    window.written(2, 2 * HOUR + 2)
    window.prune()
    // Written, p1 and p2 count: the cap forgets the oldest two, and says so.
    expect(window.size).toBe(1)
    expect(window.isRepeat(key('p1'), 2 * HOUR + 3)).toBe(false)
    expect(window.isRepeat(key('p2'), 2 * HOUR + 3)).toBe(true)
    expect(window.mayHaveForgotten(2 * HOUR + 3)).toBe(true)
  })
})
