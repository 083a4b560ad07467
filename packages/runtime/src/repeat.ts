/** A task run again and again until stopped. */
export interface Repeating {
  /** No further run starts; resolves once the run in flight, if any, has ended. */
  stop(): Promise<void>
}

/**
 * Runs `task` every `intervalMs` as a chain of timeouts, not setInterval: the
 * next run is timed from the end of the last, so runs never overlap however
 * slow one is. A run that fails goes to `onError` and the chain goes on.
 */
export function repeatEvery(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (err: unknown) => void,
): Repeating {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let inFlight: Promise<unknown> = Promise.resolve()
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      inFlight = task().catch(onError).finally(schedule)
    }, intervalMs)
  }
  schedule()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await inFlight
    },
  }
}
