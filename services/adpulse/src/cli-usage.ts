import { readFileSync } from 'node:fs'
import { BACKTEST_USAGE } from './backtest-args.ts'
import { DLQ_REPLAY_USAGE, DLQ_TAIL_USAGE, DLQ_USAGE } from './dlq-args.ts'
import { FORGET_USAGE } from './forget-command.ts'
import { RATES_USAGE } from './rates-args.ts'
import { REBUILD_USAGE } from './rebuild-args.ts'
import { START_USAGE } from './start-flags.ts'

/** `adpulse --help`: the commands; each command's own usage lives beside its argument parser. */
export const USAGE = `usage: adpulse COMMAND [options]

commands:
  start             run ingest, processor and alerter in one process (\`npm start\` runs it)
  backtest          replay the stored minute buckets through rules, print the signals they fire
  rebuild           recompute the minute buckets of whole UTC days from the raw events
  rates import      write exchange rates from a YAML or JSON file into ClickHouse
  dlq tail          print the dead letters
  dlq replay        send recoverable dead letters back to the events topic
  forget USER_ID    forget a person: delete their raw events and audience memberships, record it
  help [COMMAND]    this help, or a command's (the same as \`adpulse COMMAND --help\`)

options:
  -h, --help        this help; after a command, the command's usage, options and exit codes
  -V, --version     print the version

environment:
  Configured by environment variables (README.md, "Configuration"; .env.example lists each
  with its default). A .env file in the working directory is read first; a variable set in
  the environment wins over it. Logs go to stdout, human-readable on a terminal and JSON
  lines otherwise; LOG_FORMAT=pretty or LOG_FORMAT=json chooses.

exit codes:
  0  done (start: stopped by SIGINT or SIGTERM)
  1  failure: configuration, Kafka, ClickHouse, or the command's own work
  2  usage: an unknown command or argument, a bad value or input file; nothing was done`

/** The flags that ask a command for its usage instead of running it. */
export const HELP_FLAGS: ReadonlySet<string> = new Set(['--help', '-h'])
/** The flags (and the word) that ask for the version. */
export const VERSION_WORDS: ReadonlySet<string> = new Set(['--version', '-V', 'version'])

/**
 * The usage of a command given by its words (`[]`, `['backtest']`,
 * `['dlq', 'tail']`); undefined for an unknown command.
 */
export function usageOf(words: readonly string[]): string | undefined {
  const [command, action] = words
  switch (command) {
    case undefined:
      return USAGE
    case 'start':
      return START_USAGE
    case 'backtest':
      return BACKTEST_USAGE
    case 'rebuild':
      return REBUILD_USAGE
    case 'rates':
      return RATES_USAGE
    case 'forget':
      return FORGET_USAGE
    case 'dlq':
      return action === 'tail' ? DLQ_TAIL_USAGE : action === 'replay' ? DLQ_REPLAY_USAGE : DLQ_USAGE
    default:
      return undefined
  }
}

/**
 * What a command line asks for instead of a run: `help [COMMAND]`, `--help`
 * or `-h` anywhere (the usage of the command before it), or the version.
 * Undefined: run the command.
 */
export function infoAsked(
  argv: readonly string[],
):
  | { kind: 'usage'; text: string }
  | { kind: 'version' }
  | { kind: 'unknown-command'; command: string }
  | undefined {
  const [first, ...rest] = argv
  if (first !== undefined && VERSION_WORDS.has(first)) return { kind: 'version' }
  const words =
    first === 'help' || (first !== undefined && HELP_FLAGS.has(first))
      ? rest.filter((word) => !HELP_FLAGS.has(word))
      : argv.some((word) => HELP_FLAGS.has(word))
        ? argv.filter((word) => !word.startsWith('-'))
        : undefined
  if (words === undefined) return undefined
  const text = usageOf(words)
  return text === undefined
    ? { kind: 'unknown-command', command: words[0] as string }
    : { kind: 'usage', text }
}

/** The version of the adpulse package (services/adpulse/package.json, kept equal to the root's). */
export function adpulseVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  return String(manifest.version)
}
