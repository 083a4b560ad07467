export interface PollOptions {
  timeoutMs?: number
  intervalMs?: number
  /** Says what was awaited, for the failure message. */
  what?: string
}

/**
 * Calls `read` until `done(value)` holds or the deadline passes; never a blind
 * sleep. On timeout, fails with the last value seen (or the last error).
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 60_000, intervalMs = 250, what = 'condition' }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: { value: T } | { error: unknown } | undefined
  while (Date.now() < deadline) {
    try {
      const value = await read()
      last = { value }
      if (done(value)) return value
    } catch (error) {
      last = { error }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  const seen =
    last === undefined
      ? 'nothing'
      : 'value' in last
        ? JSON.stringify(last.value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)
        : String(last.error)
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`)
}

/** A name no other test (or earlier run) uses: for topics, groups, databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
}
