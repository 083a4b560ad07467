import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BACKTEST_USAGE } from './backtest-args.ts'
import { adpulseVersion, infoAsked, USAGE, usageOf } from './cli-usage.ts'
import { DLQ_REPLAY_USAGE, DLQ_TAIL_USAGE, DLQ_USAGE } from './dlq-args.ts'
import { RATES_USAGE } from './rates-args.ts'
import { REBUILD_USAGE } from './rebuild-args.ts'
import { START_USAGE } from './start-flags.ts'

describe('infoAsked', () => {
  it('answers --help, -h and help with the usage of the command before them', () => {
    expect(infoAsked(['--help'])).toEqual({ kind: 'usage', text: USAGE })
    expect(infoAsked(['-h'])).toEqual({ kind: 'usage', text: USAGE })
    expect(infoAsked(['help'])).toEqual({ kind: 'usage', text: USAGE })
    expect(infoAsked(['backtest', '--help'])).toEqual({ kind: 'usage', text: BACKTEST_USAGE })
    expect(infoAsked(['backtest', '--from', '2026-11-22', '-h'])).toEqual({
      kind: 'usage',
      text: BACKTEST_USAGE,
    })
    expect(infoAsked(['help', 'rebuild'])).toEqual({ kind: 'usage', text: REBUILD_USAGE })
    expect(infoAsked(['--help', 'start'])).toEqual({ kind: 'usage', text: START_USAGE })
    expect(infoAsked(['rates', 'import', '-h'])).toEqual({ kind: 'usage', text: RATES_USAGE })
    expect(infoAsked(['dlq', '--help'])).toEqual({ kind: 'usage', text: DLQ_USAGE })
    expect(infoAsked(['dlq', 'tail', '--since', '1h', '--help'])).toEqual({
      kind: 'usage',
      text: DLQ_TAIL_USAGE,
    })
    expect(infoAsked(['help', 'dlq', 'replay'])).toEqual({ kind: 'usage', text: DLQ_REPLAY_USAGE })
  })

  it('answers --version, -V and version with the version', () => {
    for (const word of ['--version', '-V', 'version']) expect(infoAsked([word])).toEqual({ kind: 'version' })
  })

  it('names an unknown command asked about, and lets every other command line run', () => {
    expect(infoAsked(['deploy', '--help'])).toEqual({ kind: 'unknown-command', command: 'deploy' })
    expect(infoAsked(['help', 'deploy'])).toEqual({ kind: 'unknown-command', command: 'deploy' })
    expect(infoAsked([])).toBeUndefined()
    expect(infoAsked(['start', '--demo'])).toBeUndefined()
    expect(infoAsked(['backtest', '--helpful'])).toBeUndefined()
  })
})

describe('usage texts', () => {
  const commands = [
    ['start'],
    ['backtest'],
    ['rebuild'],
    ['rates'],
    ['dlq'],
    ['dlq', 'tail'],
    ['dlq', 'replay'],
    ['forget'],
  ]

  it('each command says how it is called, its options, -h and its exit codes', () => {
    for (const words of commands) {
      const text = usageOf(words) as string
      expect(text, words.join(' ')).toMatch(new RegExp(`^usage: adpulse ${words.join(' ')}`))
      expect(text, words.join(' ')).toMatch(/\nexit codes: 0 .*; 1 .*\n?.* 2 /s)
      if (words.join(' ') !== 'dlq') expect(text, words.join(' ')).toContain('-h, --help')
    }
  })

  it('the overview lists every command and the exit codes', () => {
    for (const command of [
      'start',
      'backtest',
      'rebuild',
      'rates import',
      'dlq tail',
      'dlq replay',
      'forget',
      'help',
    ]) {
      expect(USAGE).toMatch(new RegExp(`\\n  ${command} `))
    }
    expect(USAGE).toContain('-V, --version')
    expect(USAGE).toMatch(/exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 /)
  })
})

describe('adpulseVersion', () => {
  it("is the package's version, the same as the repository's", () => {
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'))
    expect(adpulseVersion()).toMatch(/^\d+\.\d+\.\d+/)
    expect(adpulseVersion()).toBe(root.version)
  })
})
