import { readdirSync, readFileSync } from 'node:fs'

/**
 * CPU time of this process by kind of thread, from Linux's /proc/self/task:
 * on 2 cores what bounds the processor is the sum of all of them, not the
 * main thread alone. Thread names are what Node and ClickHouse give them:
 * Node's own (libuv's pool, where chDB's insert call runs, and V8's GC
 * helpers) all carry the process name; ClickHouse names its pools.
 */
export type ThreadCpu = Record<ThreadKind, number>

export const THREAD_KINDS = [
  'main thread',
  'other Node threads (libuv pool: chDB insert calls, zlib; V8 GC helpers)',
  'chDB query threads',
  'chDB background merges',
  'other',
] as const
export type ThreadKind = (typeof THREAD_KINDS)[number]

const TICK_MS = 10 // USER_HZ: /proc reports CPU time in 1/100 s on Linux.

function kindOf(tid: number, name: string): ThreadKind {
  if (tid === process.pid) return 'main thread'
  if (name === 'node') return 'other Node threads (libuv pool: chDB insert calls, zlib; V8 GC helpers)'
  if (/^Merge|^BgSch|^BgDistSch|^BgBufSch|^Move/.test(name)) return 'chDB background merges'
  // 'Unknown': the threads chDB reads an INFILE insert's file with (chdb-file-insert.ts).
  if (/^ThreadPool|^QueryPipeline|^RuntimeData|^PoolDelay|^Common|^Unknown$/.test(name))
    return 'chDB query threads'
  return 'other'
}

/** CPU milliseconds per thread id, with its kind; empty where /proc is missing (not Linux). */
export function threadTicks(): Map<number, { kind: ThreadKind; ms: number }> {
  const ticks = new Map<number, { kind: ThreadKind; ms: number }>()
  let tids: string[]
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return ticks
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      // Fields after the name: state is the 3rd of the line, utime the 14th, stime the 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS
      ticks.set(Number(tid), { kind: kindOf(Number(tid), name), ms })
    } catch {
      // The thread ended between listing and reading it.
    }
  }
  return ticks
}

/** CPU milliseconds by kind spent between two threadTicks(); a thread born since counts from zero. */
export function cpuBetween(
  before: ReturnType<typeof threadTicks>,
  after: ReturnType<typeof threadTicks>,
): ThreadCpu {
  const cpu = Object.fromEntries(THREAD_KINDS.map((k) => [k, 0])) as ThreadCpu
  for (const [tid, { kind, ms }] of after) cpu[kind] += ms - (before.get(tid)?.ms ?? 0)
  return cpu
}
