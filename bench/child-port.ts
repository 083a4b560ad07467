import type { ChildProcess } from 'node:child_process'

/**
 * The port a child adpulse process listens on, read from its JSON log lines
 * (`<name> listening` with `port`); its errors are passed on to stderr.
 */
export function listeningPort(child: ChildProcess, message: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let buffered = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      for (const line of buffered.split('\n').slice(0, -1)) {
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number; level?: number }
          if (entry.msg === message && entry.port) resolve(entry.port)
          if ((entry.level ?? 0) >= 50) process.stderr.write(`${line}\n`)
        } catch {
          // not a log line
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1)
    })
    child.once('exit', (code) => reject(new Error(`${message}: the process exited with ${code} before`)))
  })
}

/** Sends SIGTERM and waits for the child to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}
