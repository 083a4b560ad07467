#!/usr/bin/env node
// The README's quick-start commands land here:
//   npm start [-- --demo]   install what is missing, then run the all-in-one pipeline (`adpulse start`)
//   pnpm adpulse COMMAND    install what is missing, then run the adpulse CLI (`npx adpulse` is scripts/adpulse.mjs)
//   npm test                install what is missing, then lint, typecheck and run every test
// Plain Node (no dependencies), so it works on a fresh clone before anything is installed.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1]

function has(tool, versionFlag = '--version') {
  return spawnSync(tool, [versionFlag], { stdio: 'ignore' }).status === 0
}

/** pnpm from PATH, else the pinned version through npx (no global install needed). */
function pnpmCommand() {
  return has('pnpm') ? ['pnpm'] : ['npx', '--yes', `pnpm@${pnpmVersion}`]
}

function run(argv, options = {}) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit', ...options })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

function installIfNeeded() {
  const marker = join(root, 'node_modules', '.modules.yaml')
  const lockfile = join(root, 'pnpm-lock.yaml')
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lockfile).mtimeMs) return
  console.error('adpulse: installing dependencies (pnpm install --frozen-lockfile)')
  // stdout too goes to stderr: the command's own output (`--version`, `--json`) stays alone on stdout.
  run([...pnpmCommand(), 'install', '--frozen-lockfile'], { stdio: ['inherit', 2, 2] })
}

function requireJavaAndMaven() {
  const missing = [has('java', '-version') ? null : 'Java 17+', has('mvn') ? null : 'Maven'].filter(Boolean)
  // In production the config requires KAFKA_BROKERS and says so itself; no local broker is started there.
  if (missing.length > 0 && !process.env.KAFKA_BROKERS && process.env.NODE_ENV !== 'production') {
    console.error(`adpulse: the local Kafka broker needs ${missing.join(' and ')} (or set KAFKA_BROKERS)`)
    process.exit(1)
  }
}

/**
 * The downstream-client test (test/confluent-client.e2e.test.ts) decodes the
 * topics with Confluent's own Python client, pinned in test/python/requirements.txt,
 * from a virtual environment at .local/venv: created, or refreshed when the
 * requirements change.
 */
function installPythonClientIfNeeded() {
  const venv = join(root, '.local', 'venv')
  const requirements = join(root, 'test', 'python', 'requirements.txt')
  const marker = join(venv, '.requirements-installed')
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(requirements).mtimeMs) return
  const python = ['python3.11', 'python3'].find((name) => has(name))
  if (!python) {
    console.error('adpulse: the downstream-client test needs Python 3.11 (python3.11 or python3)')
    process.exit(1)
  }
  console.error('adpulse: installing the Python test client into .local/venv')
  if (!existsSync(join(venv, 'bin', 'python'))) run([python, '-m', 'venv', venv])
  run([join(venv, 'bin', 'pip'), 'install', '--quiet', '--disable-pip-version-check', '-r', requirements])
  writeFileSync(marker, '')
}

/**
 * Installs what is missing, then runs `services/adpulse/src/cli.ts` with `args`
 * in a child process, in the caller's working directory (its .env, relative
 * file arguments), and exits with the child's code.
 */
export function runAdpulse(args) {
  installIfNeeded()
  if (args[0] === 'start') {
    // The CLI reads .env itself; read here too, for the KAFKA_BROKERS it may set. The environment wins.
    if (existsSync('.env')) process.loadEnvFile('.env')
    requireJavaAndMaven()
  }
  // tsx resolved from the repository: the working directory need not be the repository.
  const tsx = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href
  const child = spawn(
    process.execPath,
    ['--import', tsx, join(root, 'services/adpulse/src/cli.ts'), ...args],
    {
      stdio: 'inherit',
    },
  )
  // Ctrl-C reaches the child through the process group; a SIGTERM sent to us is passed on.
  process.on('SIGINT', () => {})
  process.on('SIGTERM', () => child.kill('SIGTERM'))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

function main([command, ...args]) {
  if (command === 'start') {
    runAdpulse(['start', ...args])
  } else if (command === 'adpulse') {
    runAdpulse(args)
  } else if (command === 'test') {
    installIfNeeded()
    installPythonClientIfNeeded()
    run([...pnpmCommand(), 'run', 'check', ...args])
  } else {
    console.error('usage: node scripts/bootstrap.mjs start [--demo] | adpulse COMMAND … | test')
    process.exit(2)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2))
