import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const SCRIPT = fileURLToPath(new URL('../../../deploy/local/kafka.sh', import.meta.url))

export interface LocalKafka {
  brokers: string[]
  /** True when this process started the broker (and so stops it). */
  startedHere: boolean
  stop(): Promise<void>
}

/**
 * The project's single-node broker (deploy/local/kafka.sh): reused when it is
 * already running, else fetched (first time), started, and stopped by stop().
 */
export async function ensureLocalKafka(env: Record<string, string> = {}): Promise<LocalKafka> {
  const options = { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }
  const running = await run('bash', [SCRIPT, 'status'], options).then(
    () => true,
    () => false,
  )
  const { stdout } = await run('bash', [SCRIPT, 'start'], options)
  const brokers = stdout.trim().split('\n').pop()?.trim()
  if (!brokers) throw new Error('deploy/local/kafka.sh start printed no broker address')
  return {
    brokers: [brokers],
    startedHere: !running,
    async stop() {
      if (!running) await run('bash', [SCRIPT, 'stop'], options)
    },
  }
}
