import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backtestCommand } from './backtest-command.ts'

/** The paths that end before ClickHouse is opened: arguments and the rules file. */
describe('adpulse backtest refusals', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adpulse-backtest-args-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const run = async (...argv: string[]) => {
    let stdout = ''
    let stderr = ''
    const code = await backtestCommand(argv, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
    })
    return { code, stdout, stderr }
  }
  const range = ['--from', '2026-11-22T10:00:00Z', '--to', '2026-11-22T12:00:00Z']

  it('exits 2 naming the flag of a bad argument', async () => {
    expect(await run('--from', 'noon', '--to', '2026-11-22T12:00:00Z')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'adpulse backtest: --from: expected RFC 3339 such as 2026-11-22T10:00:00Z, or epoch ms, got "noon"\n' +
        '(adpulse backtest --help shows the usage)\n',
    })
    expect((await run(...range, '--step', '10s')).code).toBe(2)
    // ClickHouse would refuse a negative instant; the flag is named before it is asked.
    expect(await run('--from', '0', '--to', '3600000')).toEqual({
      code: 2,
      stdout: '',
      stderr: "adpulse backtest: --from: the rules' 1440m window would start before 1970-01-01\n",
    })
  })

  it('exits 2 on a missing or invalid rules file', async () => {
    const missing = join(dir, 'nope.yaml')
    expect(await run(...range, '--rules', missing)).toMatchObject({
      code: 2,
      stderr: `adpulse backtest: --rules: cannot read ${missing}: no such file\n`,
    })
    expect(await run(...range, '--rules', dir)).toMatchObject({
      code: 2,
      stderr: `adpulse backtest: --rules: cannot read ${dir}: not a file\n`,
    })
    const invalid = join(dir, 'rules.yaml')
    await writeFile(
      invalid,
      'rules:\n  - name: cut\n    action: PAUSE\n    when: roi < 0\n    exit: roi > 0.2\n',
    )
    const refused = await run(...range, '--rules', invalid)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('adpulse backtest: --rules: ')
    expect(refused.stderr).toContain(
      'rule "cut": action: expected CUT, SCALE, PAUSE_AD or PROMOTE_AD, got "PAUSE"',
    )
  })

  it('exits 1 on a bad configuration', async () => {
    let stderr = ''
    const code = await backtestCommand(range, {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
      env: { CLICKHOUSE_DATABASE: 'no-dashes' },
    })
    expect(code).toBe(1)
    expect(stderr).toContain('CLICKHOUSE_DATABASE: expected an identifier')
  })
})
