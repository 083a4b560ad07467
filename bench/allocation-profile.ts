import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'

/**
 * `BENCH_ALLOC_PROF=dir`: V8's sampling heap profiler over the processor
 * child's run, counting the objects minor and major GCs collected too (what
 * was allocated, not only what survived; `--heap-prof` keeps only the
 * survivors). Writes `alloc-<run>.heapprofile` to `dir` (Chrome DevTools opens
 * it: Memory, Allocation sampling). Returns the function that stops it.
 */
export async function startAllocationProfile(dir: string, run: number): Promise<() => Promise<string>> {
  const session = new Session()
  session.connect()
  // The two include flags are V8's (Node 20); @types/node's parameter type does not name them yet.
  const sampling = {
    samplingInterval: 8192,
    includeObjectsCollectedByMinorGC: true,
    includeObjectsCollectedByMajorGC: true,
  }
  await session.post('HeapProfiler.startSampling', sampling as { samplingInterval: number })
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling')
    session.disconnect()
    const file = join(dir, `alloc-${run}.heapprofile`)
    await writeFile(file, JSON.stringify(profile))
    return file
  }
}
