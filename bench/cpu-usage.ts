import { readdir, readFile } from 'node:fs/promises'

/**
 * Where the machine's CPU goes during a benchmark, from Linux's /proc: the
 * whole machine's busy time, a process tree's (the process under test, its
 * children and threads), and this process's own (the load generator). Used to
 * tell "the code is slow" from "the cores are full".
 */

/** /proc's clock ticks per second (USER_HZ): 100 on every Linux architecture we run on. */
const TICKS_PER_SECOND = 100

/** CPU seconds used so far. */
export interface CpuSample {
  /** Busy time of every core together (user, nice, system, irq, softirq, steal). */
  machine: number
  /** The process tree under test, threads included. */
  tree: number
  /** This process (the load generator). */
  self: number
}

/** The utime + stime of one /proc/<pid>/stat line, and its parent pid. */
export function parseStat(line: string): { ppid: number; cpuSeconds: number } {
  // The command name (field 2) is in parentheses and may hold spaces: fields count from after it.
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ')
  // After the name: state, ppid, …; utime and stime are fields 14 and 15 of the line (12, 13 here).
  const ppid = Number(fields[1])
  const ticks = Number(fields[11]) + Number(fields[12])
  if (!Number.isFinite(ppid) || !Number.isFinite(ticks)) throw new Error(`not a /proc stat line: ${line}`)
  return { ppid, cpuSeconds: ticks / TICKS_PER_SECOND }
}

/** Busy seconds of all cores from /proc/stat's first line (everything but idle and iowait). */
export function parseMachineStat(text: string): number {
  const first = text.split('\n', 1)[0] ?? ''
  const [label, ...values] = first.trim().split(/\s+/)
  if (label !== 'cpu') throw new Error(`not /proc/stat: ${first}`)
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = values.map(Number)
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
    TICKS_PER_SECOND
  )
}

/** CPU seconds of `root` and every process descending from it (a process that exited meanwhile is skipped). */
async function treeSeconds(root: number): Promise<number> {
  const stats = new Map<number, { ppid: number; cpuSeconds: number }>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      stats.set(Number(entry), parseStat(await readFile(`/proc/${entry}/stat`, 'utf8')))
    } catch {
      // Gone between the listing and the read.
    }
  }
  let total = 0
  for (const [pid, stat] of stats) {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = stats.get(at)?.ppid) {
      if (at === root) {
        total += stat.cpuSeconds
        break
      }
    }
  }
  return total
}

export async function sampleCpu(treeRoot: number): Promise<CpuSample> {
  const own = process.cpuUsage()
  return {
    machine: parseMachineStat(await readFile('/proc/stat', 'utf8')),
    tree: await treeSeconds(treeRoot),
    self: (own.user + own.system) / 1e6,
  }
}

/** Cores busy on average between two samples `seconds` apart: the machine, the tree, this process, and the rest (the broker, anything else). */
export function coresBusy(before: CpuSample, after: CpuSample, seconds: number) {
  const machine = (after.machine - before.machine) / seconds
  const tree = (after.tree - before.tree) / seconds
  const self = (after.self - before.self) / seconds
  return { machine, tree, self, rest: Math.max(0, machine - tree - self) }
}
