import { readFile } from 'node:fs/promises'

/**
 * `tsx bench/allocation-sites.ts <alloc-N.heapprofile>`: the functions that
 * allocated most in a profile `BENCH_ALLOC_PROF` wrote, by the bytes sampled
 * in them (their own allocations, not their callees'), with the total.
 */
interface SampledNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: SampledNode[]
}

const TOP = 30

async function main(file: string): Promise<void> {
  const { head } = JSON.parse(await readFile(file, 'utf8')) as { head: SampledNode }
  const bytes = new Map<string, number>()
  let total = 0
  const pending = [head]
  for (let node = pending.pop(); node; node = pending.pop()) {
    const { functionName, url, lineNumber } = node.callFrame
    const site = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`
    bytes.set(site, (bytes.get(site) ?? 0) + node.selfSize)
    total += node.selfSize
    pending.push(...node.children)
  }
  console.log(`\n${file}: ${(total / 1e6).toFixed(0)} MB allocated (sampled)\n`)
  console.log('| function | MB | share |')
  console.log('| --- | ---: | ---: |')
  for (const [site, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`| ${site} | ${(size / 1e6).toFixed(1)} | ${((100 * size) / total).toFixed(1)} % |`)
  }
}

const files = process.argv.slice(2)
if (files.length === 0) throw new Error('usage: tsx bench/allocation-sites.ts <file.heapprofile>…')
for (const file of files) await main(file)
