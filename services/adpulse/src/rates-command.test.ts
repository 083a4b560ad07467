import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ratesCommand } from './rates-command.ts'

/** The paths that end before ClickHouse is opened: arguments, configuration and the file. */
describe('adpulse rates refusals', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adpulse-rates-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const run = async (argv: string[], env: Record<string, string> = {}) => {
    let stdout = ''
    let stderr = ''
    const code = await ratesCommand(argv, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env,
    })
    return { code, stdout, stderr }
  }

  it('exits 2 on arguments other than `import FILE`', async () => {
    for (const argv of [
      [],
      ['import'],
      ['export', 'x.yaml'],
      ['import', 'a.yaml', 'b.yaml'],
      ['import', '--all'],
    ]) {
      expect(await run(argv)).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'adpulse rates: expected `adpulse rates import FILE`\n(adpulse rates --help shows the usage)\n',
      })
    }
  })

  it('exits 2 listing every problem of the file, naming currency and day, before opening ClickHouse', async () => {
    const file = join(dir, 'rates.json')
    await writeFile(file, '{"EUR": {"2026-11-22": "1,08", "2026-02-30": "1.1"}, "GBP": {"2026-11-22": "0"}}')
    expect(await run(['import', file])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        `adpulse rates: rates file ${file}:\n` +
        '  - rates.EUR.2026-11-22: expected a positive decimal string such as "1.0842", got "1,08"\n' +
        '  - rates.EUR.2026-02-30: expected a day as YYYY-MM-DD\n' +
        '  - rates.GBP.2026-11-22: expected a positive decimal string such as "1.0842", got "0"\n' +
        'nothing imported\n',
    })
    // Rates of the reporting currency itself are refused: its rate is 1.
    const euros = join(dir, 'euros.yaml')
    await writeFile(euros, 'EUR:\n  2026-11-22: 1\n')
    expect((await run(['import', euros], { ADPULSE_REPORTING_CURRENCY: 'EUR' })).stderr).toContain(
      'rates.EUR: is the reporting currency (its rate is 1)',
    )
  })

  it('exits 1 on bad configuration', async () => {
    expect(await run(['import', 'x.yaml'], { ADPULSE_RATES_REFRESH: 'soon' })).toMatchObject({ code: 1 })
  })
})
