import { describe, expect, it } from 'vitest'
import { parseBacktestArgs } from './backtest-args.ts'

const error = (...argv: string[]) => {
  const result = parseBacktestArgs(argv)
  return result.ok ? 'parsed' : result.error
}

describe('parseBacktestArgs', () => {
  it('reads RFC 3339 or epoch ms, --flag value or --flag=value, with a 15m step by default', () => {
    expect(parseBacktestArgs(['--from', '2026-11-22T10:00:00Z', '--to=1795356000000'])).toEqual({
      ok: true,
      args: { rulesFile: undefined, from: 1795341600000, to: 1795356000000, stepMs: 900_000, json: false },
    })
    expect(
      parseBacktestArgs([
        '--rules=deploy/rules.yaml',
        '--from=2026-11-22T12:30:00+02:30',
        '--to',
        '2026-11-23T00:00:00Z',
        '--step',
        '1h',
        '--json',
      ]),
    ).toEqual({
      ok: true,
      args: {
        rulesFile: 'deploy/rules.yaml',
        from: Date.UTC(2026, 10, 22, 10, 0),
        to: Date.UTC(2026, 10, 23),
        stepMs: 3_600_000,
        json: true,
      },
    })
  })

  it('names the flag of every problem', () => {
    const to = ['--to', '2026-11-22T11:00:00Z']
    expect(error(...to)).toBe('--from: required (RFC 3339 such as 2026-11-22T10:00:00Z, or epoch ms)')
    expect(error('--from', 'yesterday', ...to)).toBe(
      '--from: expected RFC 3339 such as 2026-11-22T10:00:00Z, or epoch ms, got "yesterday"',
    )
    // an offset is required: no server time zone is ever assumed
    expect(error('--from', '2026-11-22T10:00:00', ...to)).toMatch(/^--from: expected RFC 3339/)
    expect(error('--from', '2026-11-22T10:00:30Z', ...to)).toBe(
      '--from: must fall on a whole minute (buckets are minutes), got 2026-11-22T10:00:30Z',
    )
    expect(error('--from', '2026-11-22T11:00:00Z', ...to)).toBe('--to: must be after --from')
    expect(error('--from', '2026-11-22T12:00:00Z', ...to)).toBe('--to: must be after --from')
    expect(error('--from', '1795341600000')).toBe(
      '--to: required (RFC 3339 such as 2026-11-22T10:00:00Z, or epoch ms)',
    )
    const from = ['--from', '2026-11-22T10:00:00Z', ...to]
    for (const step of ['90s', '0', '30s', 'soon', '1.5h']) {
      expect(error(...from, '--step', step)).toBe(
        `--step: expected whole minutes, at least 1m, such as 15m or 1h, got "${step}"`,
      )
    }
    expect(error(...from, '--rules')).toBe('--rules: expected a value')
    expect(error(...from, '--rules', '--json')).toBe('--rules: expected a value')
    expect(error(...from, '--rules=')).toBe('--rules: expected a value')
    expect(error(...from, '--from', '2026-11-22T10:00:00Z')).toBe('--from: given twice')
    expect(error(...from, '--dry-run')).toBe('unknown argument "--dry-run"')
    expect(error(...from, 'rules.yaml')).toBe('unknown argument "rules.yaml"')
  })
})
