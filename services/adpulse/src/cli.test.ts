import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'

/**
 * The CLI as a user runs it, in a process of its own: its exit codes, stdout
 * and stderr. No broker or ClickHouse: every `start` here has a configuration
 * error, found before anything starts.
 */

// A process start is about a second of CPU (tsx); on a busy machine, several.
vi.setConfig({ testTimeout: 60_000 })

const ROOT = join(import.meta.dirname, '../../..')
const CLI = join(import.meta.dirname, 'cli.ts')
const TSX = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Should a `start` here find no configuration error (a broken test), it fails on
 * these closed ports instead of starting the local broker or opening chDB.
 */
const NOTHING_REAL = { KAFKA_BROKERS: '127.0.0.1:9', CLICKHOUSE_URL: 'http://127.0.0.1:9' }

/**
 * Only PATH and HOME inherited: nothing in the test runner's environment
 * (LOG_FORMAT, KAFKA_BROKERS) leaks in. A process still running after 50 s is
 * killed, so none outlives its test.
 */
function run(
  file: string,
  argv: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...NOTHING_REAL, ...options.env }
  return new Promise((resolve) => {
    execFile(file, argv, { cwd: options.cwd ?? ROOT, env, timeout: 50_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr })
    })
  })
}

const adpulse = (args: string[], options?: Parameters<typeof run>[2]) =>
  run(process.execPath, ['--import', TSX, CLI, ...args], options)

const dirs: string[] = []
/** A working directory with `.env` holding `lines`. */
function dirWithEnvFile(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'adpulse-cli-'))
  dirs.push(dir)
  writeFileSync(join(dir, '.env'), `${lines.join('\n')}\n`)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('adpulse --help', () => {
  const commands: Array<[string[], string]> = [
    [[], 'usage: adpulse COMMAND'],
    [['start'], 'usage: adpulse start [--demo]'],
    [['backtest'], 'usage: adpulse backtest --from TIME'],
    [['rebuild'], 'usage: adpulse rebuild --from DAY'],
    [['rates'], 'usage: adpulse rates import FILE'],
    [['rates', 'import'], 'usage: adpulse rates import FILE'],
    [['dlq'], 'usage: adpulse dlq tail'],
    [['dlq', 'tail'], 'usage: adpulse dlq tail'],
    [['dlq', 'replay'], 'usage: adpulse dlq replay'],
  ]

  it.concurrent.each(commands)(
    '%j answers --help and -h with its usage on stdout, exit 0',
    async (words, head) => {
      for (const flag of ['--help', '-h']) {
        const { code, stdout, stderr } = await adpulse([...words, flag])
        expect({ flag, code, stderr }).toEqual({ flag, code: 0, stderr: '' })
        expect(stdout.startsWith(head)).toBe(true)
        expect(stdout).toMatch(/exit codes:/)
      }
    },
  )

  it.concurrent('help COMMAND is COMMAND --help', async () => {
    const [help, flag] = await Promise.all([adpulse(['help', 'backtest']), adpulse(['backtest', '--help'])])
    expect(help).toEqual({ code: 0, stdout: flag.stdout, stderr: '' })
  })
})

describe('adpulse --version', () => {
  it.concurrent.each([['--version'], ['-V'], ['version']])('%s prints the version', async (word) => {
    expect(await adpulse([word])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' })
  })

  it.concurrent('through the launcher of `npx adpulse` and `pnpm adpulse`, from any directory', async () => {
    const launcher = join(ROOT, 'scripts/adpulse.mjs')
    expect(await run(process.execPath, [launcher, '--version'], { cwd: tmpdir() })).toEqual({
      code: 0,
      stdout: `${VERSION}\n`,
      stderr: '',
    })
  })
})

describe('adpulse usage errors', () => {
  it.concurrent.each([
    [['backtest', '--bogus'], 'adpulse backtest: unknown argument "--bogus"'],
    [['rebuild', '--from'], 'adpulse rebuild: --from: expected a value'],
    [['start', '--bogus'], 'adpulse start: unknown argument "--bogus"'],
    [['dlq', 'peek'], 'adpulse dlq: expected `adpulse dlq tail` or `adpulse dlq replay`'],
    [['deploy'], 'adpulse: unknown command "deploy"'],
  ])('%j exits 2 naming it on stderr, nothing on stdout', async (argv, message) => {
    const { code, stdout, stderr } = await adpulse(argv)
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' })
    expect(stderr.startsWith(message)).toBe(true)
    expect(stderr).toMatch(/\(adpulse [a-z ]*--help (shows the usage|lists the commands)\)\n$/)
  })

  it.concurrent('with no command, prints the usage on stderr and exits 2', async () => {
    const { code, stdout, stderr } = await adpulse([])
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' })
    expect(stderr.startsWith('usage: adpulse COMMAND')).toBe(true)
  })
})

describe('.env and log format', () => {
  it.concurrent('reads .env of the working directory, the environment winning over it', async () => {
    const cwd = dirWithEnvFile(['# a comment', 'ADPULSE_REPORTING_CURRENCY=usd', 'ADPULSE_PORT=eighty'])
    const fromFile = await adpulse(['start'], { cwd })
    expect(fromFile.code).toBe(1)
    const [line] = fromFile.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(line).toMatchObject({
      level: 60,
      problems: [
        expect.stringMatching(/^ADPULSE_REPORTING_CURRENCY: .*got "usd"$/),
        expect.stringMatching(/^ADPULSE_PORT: .*got "eighty"$/),
      ],
    })

    const overridden = await adpulse(['start'], { cwd, env: { ADPULSE_REPORTING_CURRENCY: 'EUR' } })
    expect(JSON.parse(overridden.stdout).problems).toEqual([expect.stringMatching(/^ADPULSE_PORT: /)])
  })

  it.concurrent('writes JSON lines into a pipe, pretty lines with LOG_FORMAT=pretty (from .env too)', async () => {
    const cwd = dirWithEnvFile(['ADPULSE_PORT=eighty'])
    const json = await adpulse(['start'], { cwd })
    expect(JSON.parse(json.stdout)).toMatchObject({ level: 60, name: 'adpulse' })

    const pretty = await adpulse(['start'], { cwd, env: { LOG_FORMAT: 'pretty' } })
    expect(pretty.code).toBe(1)
    expect(pretty.stdout).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3}Z FATAL adpulse: invalid configuration:\n.*ADPULSE_PORT/,
    )
    expect(pretty.stdout).not.toContain('\u001b[') // no colours outside a terminal

    const prettyFromFile = await adpulse(['start'], {
      cwd: dirWithEnvFile(['LOG_FORMAT=pretty', 'ADPULSE_PORT=x']),
    })
    expect(prettyFromFile.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z FATAL adpulse: /)
  })

  it.concurrent('refuses a LOG_FORMAT it does not know, naming it', async () => {
    const { code, stdout } = await adpulse(['start'], { env: { LOG_FORMAT: 'xml' } })
    expect(code).toBe(1)
    expect(JSON.parse(stdout).problems).toEqual([
      'LOG_FORMAT: expected pretty or json (unset: pretty on a terminal, else json), got "xml"',
    ])
  })

  // util-linux `script` gives the command a terminal; without it, chooseLogFormat's unit test covers the choice.
  const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0
  it.skipIf(!hasScript)('writes pretty, coloured lines on a terminal', async () => {
    const cwd = dirWithEnvFile(['ADPULSE_PORT=eighty'])
    const command = [process.execPath, '--import', TSX, CLI, 'start'].map((a) => `'${a}'`).join(' ')
    const { code, stdout } = await run('script', ['-qec', command, '/dev/null'], { cwd })
    expect(code).toBe(1)
    expect(stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z /)
    expect(stdout).toContain('\u001b[35mFATAL\u001b[0m adpulse: invalid configuration:')
  })
})
