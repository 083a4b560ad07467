import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freePortPair, pollUntil } from '@adpulse/testkit'

const run = promisify(execFile)
const SCRIPT = fileURLToPath(new URL('../../deploy/local/kafka.sh', import.meta.url))

/**
 * A broker of one test's own (deploy/local/kafka.sh on a free port, its own
 * data directory) that can be crashed: kill() sends SIGKILL to its JVM (the
 * pid kafka.sh keeps in the data directory), as a power cut or the OOM killer
 * would; start() brings it back on the same port with the same data, through
 * Kafka's log recovery. Never the run's shared broker: other tests use that.
 */
export interface KillableBroker {
  brokers: string[]
  /** SIGKILL to the broker's JVM; resolves once the process is gone. Returns its pid. */
  kill(): Promise<number>
  /** Starts it again (same port, same data) and waits until it serves. */
  start(): Promise<void>
  /** Stops it if running and removes its data. */
  cleanup(): Promise<void>
}

export async function startKillableBroker(): Promise<KillableBroker> {
  const data = await mkdtemp(join(tmpdir(), 'adpulse-killable-broker-'))
  const options = {
    env: { ...process.env, KAFKA_LOCAL_DATA: data, KAFKA_LOCAL_PORT: String(await freePortPair()) },
    maxBuffer: 16 * 1024 * 1024,
  }
  const script = (verb: 'start' | 'stop') => run('bash', [SCRIPT, verb], options)
  const { stdout } = await script('start')
  const address = stdout.trim().split('\n').pop()?.trim()
  if (!address) throw new Error('deploy/local/kafka.sh start printed no broker address')
  return {
    brokers: [address],
    async kill() {
      const pid = Number((await readFile(join(data, 'kafka.pid'), 'utf8')).trim())
      process.kill(pid, 'SIGKILL')
      await pollUntil(
        () => isAlive(pid),
        (alive) => !alive,
        {
          what: `broker pid ${pid} gone after SIGKILL`,
          timeoutMs: 10_000,
          intervalMs: 50,
        },
      )
      return pid
    },
    async start() {
      await script('start')
    },
    async cleanup() {
      await script('stop').catch(() => undefined)
      await rm(data, { recursive: true, force: true })
    },
  }
}

/** Alive unless gone or a zombie (killed, not yet reaped by whoever adopted it). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return !/^\d+ \(.*\) Z/.test(stat)
}
