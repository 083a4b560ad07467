import { readFile } from 'node:fs/promises'

/**
 * `tsx bench/cpu-profile-stages.ts <file.cpuprofile>…`: where the processor
 * child's main thread spent a run, from the V8 CPU profile `BENCH_CPU_PROF`
 * writes. Each sample goes to the innermost frame on its stack that names a
 * processor stage (decodeBatch → decode, …), else to the library it is in
 * (kafkajs, chdb, @clickhouse/client), else to V8's own (idle, GC). Only the
 * samples between the first and the last one inside the processor's batch
 * handler count: the child's startup (tsx, loading chDB, migrating) is left out.
 */
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Function names that mark a stage, innermost first wins. */
const STAGE_FUNCTIONS: [RegExp, string][] = [
  [
    /^(encodeRawEventsRowBinary|encodeRawEventsTsv|encodeRawEventsTsvBuffer|tsvLine|toRawEventRow|tsvString|dateTimeText)$/,
    'encode (rows → RowBinary or TSV)',
  ],
  [/^(decodeBatch|learnWriterSchemas|checkDecoded)$/, 'decode (Avro, contract check)'],
  [/^(priceBatch|priceDecoded|convertEvent|costOf)$/, 'convert + price'],
  [/^(filterRepeats|markWritten|prune)$/, 'dedup'],
  [/^sendDeadLetters$/, 'dead letters'],
  [/^(skipWritten)$/, 'skip written'],
]

const LIBRARIES: [RegExp, string][] = [
  [/kafkajs/, 'kafkajs (fetch, decompress, commit)'],
  [/chdb/, 'chDB binding (JS side of insert/queries)'],
  [/@clickhouse/, '@clickhouse/client'],
  [/pino/, 'logging'],
  [/prom-client/, 'metrics'],
]

function categorise(profile: Profile): Map<number, string> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const category = new Map<number, string>()
  for (const node of profile.nodes) {
    const own = node.callFrame.functionName
    if (own === '(idle)') category.set(node.id, 'idle (waiting: insert, fetch)')
    else if (own === '(garbage collector)') category.set(node.id, 'GC')
    else if (own === '(program)') category.set(node.id, '(program: V8/native, unattributed)')
    if (category.has(node.id)) continue
    let found: string | undefined
    let library: string | undefined
    for (let id: number | undefined = node.id; id !== undefined && !found; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame
      if (!frame) break
      found = STAGE_FUNCTIONS.find(([re]) => re.test(frame.functionName))?.[1]
      library ??= LIBRARIES.find(([re]) => re.test(frame.url))?.[1]
    }
    category.set(node.id, found ?? library ?? 'other JS (processor glue, Node internals)')
  }
  return category
}

function handlerNodes(profile: Profile): Set<number> {
  return new Set(
    profile.nodes
      .filter((n) => /^(handleBatch|decodeBatch|filterRepeats)$/.test(n.callFrame.functionName))
      .map((n) => n.id),
  )
}

async function summarise(file: string): Promise<void> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile
  const category = categorise(profile)
  const inHandler = handlerNodes(profile)
  // Descendants of the handler's nodes count as inside it too.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const stack = [...inHandler]
  while (stack.length > 0) {
    for (const c of byId.get(stack.pop() as number)?.children ?? []) {
      if (!inHandler.has(c)) {
        inHandler.add(c)
        stack.push(c)
      }
    }
  }
  const first = profile.samples.findIndex((s) => inHandler.has(s))
  let last = profile.samples.length - 1
  while (last > first && !inHandler.has(profile.samples[last] as number)) last--
  const totals = new Map<string, number>()
  let total = 0
  for (let i = first; i <= last; i++) {
    const us = profile.timeDeltas[i] ?? 0
    const name = category.get(profile.samples[i] as number) ?? 'other'
    totals.set(name, (totals.get(name) ?? 0) + us)
    total += us
  }
  console.log(`\n${file}: ${(total / 1e6).toFixed(2)} s of the run\n`)
  console.log('| main thread | ms | share |')
  console.log('| --- | ---: | ---: |')
  for (const [name, us] of [...totals].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${name} | ${Math.round(us / 1000)} | ${((100 * us) / total).toFixed(1)} % |`)
  }
}

for (const file of process.argv.slice(2)) await summarise(file)
