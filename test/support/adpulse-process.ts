import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { pollUntil } from '@adpulse/testkit'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `adpulse start` as the README runs it, in a process of its own, its JSON log lines read back. */
export interface AdpulseProcess {
  child: ChildProcess
  lines: Array<Record<string, unknown>>
  exit: Promise<number | null>
}

/** Spawns `node --import tsx services/adpulse/src/cli.ts start` with exactly `env` over the inherited one. */
export function startAdpulse(env: Record<string, string>): AdpulseProcess {
  // The run's broker must not leak in from the parent: the test says which broker.
  const { KAFKA_BROKERS: _unset, ...inherited } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/adpulse/src/cli.ts', 'start'], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Array<Record<string, unknown>> = []
  let buffered = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line))
      } catch {
        lines.push({ msg: line })
      }
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => lines.push({ stderr: chunk.toString() }))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, lines, exit }
}

/** Resolves once the process answers /readyz with 200 on `base`; fails at once when it exits first. */
export async function untilReady(started: AdpulseProcess, base: string, timeoutMs = 120_000): Promise<void> {
  let ready = false
  const exitedFirst = started.exit.then((code) => {
    if (ready) return
    const tail = started.lines.slice(-10).map((l) => JSON.stringify(l))
    throw new Error(`adpulse exited (${code}) before it was ready:\n${tail.join('\n')}`)
  })
  try {
    await Promise.race([
      pollUntil(
        () => fetch(`${base}/readyz`).then((r) => r.status),
        (status) => status === 200,
        { what: `${base}/readyz 200`, timeoutMs, intervalMs: 100 },
      ),
      exitedFirst,
    ])
  } finally {
    // A later exit (a kill, the cleanup) is no failure of this wait.
    ready = true
  }
}

/** Throws when the process has exited: for polls that wait on it while it should be serving. */
export function assertRunning(started: AdpulseProcess): void {
  const { exitCode, signalCode } = started.child
  if (exitCode !== null || signalCode !== null) {
    const tail = started.lines.slice(-10).map((l) => JSON.stringify(l))
    throw new Error(`adpulse exited on its own (${exitCode ?? signalCode}):\n${tail.join('\n')}`)
  }
}
