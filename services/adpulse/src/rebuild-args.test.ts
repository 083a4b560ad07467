import { describe, expect, it } from 'vitest'
import { parseRebuildArgs, rebuildDays } from './rebuild-args.ts'

const DAY = 86_400_000
const NOV_20 = Date.UTC(2026, 10, 20)

describe('parseRebuildArgs', () => {
  it('takes days, day starts in RFC 3339 and epoch ms, in both flag forms', () => {
    expect(parseRebuildArgs(['--from', '2026-11-20', '--to=2026-11-22T00:00:00Z'])).toEqual({
      ok: true,
      args: { from: NOV_20, to: NOV_20 + 2 * DAY },
    })
    expect(parseRebuildArgs([`--from=${NOV_20}`, '--to', String(NOV_20 + DAY)])).toEqual({
      ok: true,
      args: { from: NOV_20, to: NOV_20 + DAY },
    })
  })

  it('names the flag of every mistake', () => {
    const error = (argv: string[]) => {
      const result = parseRebuildArgs(argv)
      return result.ok ? undefined : result.error
    }
    expect(error(['--to', '2026-11-21'])).toMatch(/^--from: required/)
    expect(error(['--from', '2026-11-20'])).toMatch(/^--to: required/)
    expect(error(['--from', '2026-11-20T10:00:00Z', '--to', '2026-11-21'])).toMatch(
      /^--from: must be the start of a UTC day/,
    )
    expect(error(['--from', '2026-11-20', '--to', '2026-11-20'])).toMatch(/^--to: must be after --from/)
    expect(error(['--from', 'yesterday', '--to', '2026-11-20'])).toMatch(/^--from: expected a UTC day/)
    expect(error(['--from', '2026-11-20', '--from', '2026-11-21'])).toBe('--from: given twice')
    expect(error(['--from', '--to', '2026-11-20'])).toBe('--from: expected a value')
    expect(error(['--days', '3'])).toBe('unknown argument "--days"')
  })
})

describe('rebuildDays', () => {
  const now = NOV_20 + 10 * 3_600_000
  const retention = 30 * DAY

  it('lists the days of the range', () => {
    expect(rebuildDays({ from: NOV_20 - DAY, to: NOV_20 + DAY }, now, retention)).toEqual({
      ok: true,
      days: [NOV_20 - DAY, NOV_20],
    })
  })

  it('refuses days whose raw events may be past the retention', () => {
    // now − 30 days + 1 day = Oct 22, 10:00 → the first whole safe day starts Oct 23.
    const oldestSafe = Date.UTC(2026, 9, 23)
    expect(rebuildDays({ from: oldestSafe, to: NOV_20 }, now, retention)).toMatchObject({ ok: true })
    const refused = rebuildDays({ from: oldestSafe - DAY, to: NOV_20 }, now, retention)
    expect(refused).toEqual({
      ok: false,
      error:
        '--from: events of days before 2026-10-23 may already be past the raw retention ' +
        '(ADPULSE_RAW_RETENTION, 30 days): rebuilding them from events_raw would lose their buckets',
    })
  })

  it('refuses days no event can belong to yet', () => {
    expect(rebuildDays({ from: NOV_20, to: NOV_20 + 2 * DAY }, now, retention)).toMatchObject({ ok: true })
    expect(rebuildDays({ from: NOV_20, to: NOV_20 + 3 * DAY }, now, retention)).toEqual({
      ok: false,
      error: '--to: at most 2026-11-22 (exclusive): no events can belong to later days yet',
    })
  })
})
