#!/usr/bin/env -S node --import=tsx
// `--import=tsx`, not `--import tsx`: tsx's import lexer reads `import tsx` in the hashbang as an import.
import { loadEnvFile, loadLogSettings } from '@adpulse/config'
import { createLogger } from '@adpulse/observability'
import { adpulseVersion, infoAsked, USAGE } from './cli-usage.ts'
import { parseStartFlags } from './start-flags.ts'

// The commands are imported when run, so that --help and --version answer without loading Kafka or ClickHouse.

async function main(argv: string[]): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr }
  const asked = infoAsked(argv)
  if (asked?.kind === 'version') return write(io.stdout, `${adpulseVersion()}\n`, 0)
  if (asked?.kind === 'usage') return write(io.stdout, `${asked.text}\n`, 0)
  if (asked?.kind === 'unknown-command') return unknownCommand(asked.command)

  const [command, ...flags] = argv
  switch (command) {
    case 'start': {
      const startFlags = parseStartFlags(flags)
      if (startFlags === undefined) {
        const unknown = flags.find((flag) => flag !== '--demo' && flag !== '--dry-run')
        return write(
          io.stderr,
          `adpulse start: unknown argument ${JSON.stringify(unknown)}\n(adpulse start --help shows the usage)\n`,
          2,
        )
      }
      const { startCommand } = await import('./start-command.ts')
      return startCommand(startFlags)
    }
    case 'backtest':
      return (await import('./backtest-command.ts')).backtestCommand(flags, io)
    case 'rebuild':
      return (await import('./rebuild-command.ts')).rebuildCommand(flags, io)
    case 'rates':
      return (await import('./rates-command.ts')).ratesCommand(flags, io)
    case 'forget':
      return (await import('./forget-command.ts')).forgetCommand(flags, io)
    case 'dlq':
      return (await import('./dlq-command.ts')).dlqCommand(flags, {
        ...io,
        until: flags.includes('--follow') ? interrupted() : undefined,
      })
    case undefined:
      return write(io.stderr, `${USAGE}\n`, 2)
    default:
      return unknownCommand(command)
  }
}

function unknownCommand(command: string): number {
  return write(
    process.stderr,
    `adpulse: unknown command ${JSON.stringify(command)}\n(adpulse --help lists the commands)\n`,
    2,
  )
}

function write(stream: NodeJS.WritableStream, text: string, code: number): number {
  stream.write(text)
  return code
}

/** Settles at the first SIGINT or SIGTERM (`dlq tail --follow` then stops and exits 0). */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
}

// Before anything reads the configuration: .env of the working directory, the environment winning.
loadEnvFile()
main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (err: unknown) => {
    createLogger('adpulse', { format: loadLogSettings().format }).fatal({ err }, 'adpulse failed')
    process.exit(1)
  },
)
