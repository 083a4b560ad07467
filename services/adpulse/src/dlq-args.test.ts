import { describe, expect, it } from 'vitest'
import { DEFAULT_TAIL_SINCE_MS, parseDlqReplayArgs, parseDlqTailArgs } from './dlq-args.ts'

const NOW = Date.UTC(2026, 10, 22, 12, 0)
const error = (result: { ok: boolean; error?: string }) => (result.ok ? 'parsed' : result.error)

describe('parseDlqTailArgs', () => {
  it('defaults to every reason of the last hour, printed once', () => {
    expect(parseDlqTailArgs([], NOW)).toEqual({
      ok: true,
      args: { reasons: new Set(), since: NOW - DEFAULT_TAIL_SINCE_MS, json: false, follow: false },
    })
  })

  it('reads reasons, --since as RFC 3339, epoch ms or a duration back from now, and the switches', () => {
    expect(
      parseDlqTailArgs(['--reason', 'missing_rate,too_late', '--since=15m', '--json', '--follow'], NOW),
    ).toEqual({
      ok: true,
      args: {
        reasons: new Set(['missing_rate', 'too_late']),
        since: NOW - 900_000,
        json: true,
        follow: true,
      },
    })
    const since = (text: string) => {
      const result = parseDlqTailArgs(['--since', text], NOW)
      return result.ok ? result.args.since : result.error
    }
    expect(since('2026-11-22T10:30:00+01:00')).toBe(Date.UTC(2026, 10, 22, 9, 30))
    expect(since('1795341600000')).toBe(1795341600000)
    expect(since('2d')).toBe(NOW - 2 * 86_400_000)
    expect(since('yesterday')).toBe(
      '--since: expected RFC 3339 such as 2026-11-22T10:00:00Z, epoch ms, or a duration back from now such as 1h, got "yesterday"',
    )
  })

  it('refuses an unknown reason with the list of reasons, and unknown flags', () => {
    expect(error(parseDlqTailArgs(['--reason', 'missing_rate,late'], NOW))).toBe(
      '--reason: unknown reason "late"; expected one or more of invalid_event, too_late, too_far_in_future, ' +
        'unparsable_line, unparsable_body, undecodable_body, poison_record, missing_rate',
    )
    expect(error(parseDlqTailArgs(['--dry-run'], NOW))).toBe('unknown argument "--dry-run"')
  })
})

describe('parseDlqReplayArgs', () => {
  it('requires a replayable reason; the window is open unless given', () => {
    expect(parseDlqReplayArgs(['--reason', 'missing_rate'], NOW)).toEqual({
      ok: true,
      args: { reasons: new Set(['missing_rate']), from: undefined, to: undefined, dryRun: false },
    })
    expect(
      parseDlqReplayArgs(
        ['--reason=too_late,invalid_event', '--from', '1h', '--to', '10m', '--dry-run'],
        NOW,
      ),
    ).toEqual({
      ok: true,
      args: {
        reasons: new Set(['too_late', 'invalid_event']),
        from: NOW - 3_600_000,
        to: NOW - 600_000,
        dryRun: true,
      },
    })
    expect(error(parseDlqReplayArgs([], NOW))).toBe(
      '--reason: required, one or more of missing_rate, invalid_event, too_late, too_far_in_future',
    )
  })

  it('refuses reasons replay cannot fix, unknown ones, and an empty window', () => {
    expect(error(parseDlqReplayArgs(['--reason', 'poison_record'], NOW))).toBe(
      '--reason: "poison_record" cannot be replayed (docs/dead-letters.md); ' +
        'expected one or more of missing_rate, invalid_event, too_late, too_far_in_future',
    )
    expect(error(parseDlqReplayArgs(['--reason', 'bogus'], NOW))).toMatch(
      /^--reason: unknown reason "bogus"; expected/,
    )
    expect(error(parseDlqReplayArgs(['--reason', 'missing_rate', '--from', '1h', '--to', '2h'], NOW))).toBe(
      '--to: must be after --from',
    )
  })
})
