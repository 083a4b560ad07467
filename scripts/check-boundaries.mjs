#!/usr/bin/env node
// Keeps dependencies one way (STYLE.md, habit 1), over package.json dependencies
// and every import in the sources (tests included):
//  - packages never use services;
//  - the pure packages (events, pricing, kpi, rules) use no I/O and no storage
//    module, not even a type of it (@adpulse/clickhouse's rows, say): they get
//    their own input types and the services map to them;
//  - a service uses another service only through its `attach*` entry point
//    (attachIngest, attachProcessor, attachAlerter), never its other exports;
//  - no workspace reaches into another's files by a relative path or a deep import
//    (a subpath the package declares in its package.json `exports` is an entry, not a reach-in);
//  - test-only entries (the event builders, @adpulse/events/testing) are imported by
//    tests only, and such an entry itself imports only pure modules.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const PURE = new Set([
  '@adpulse/events',
  '@adpulse/pricing',
  '@adpulse/kpi',
  '@adpulse/rules',
  '@adpulse/experiments',
  '@adpulse/audiences',
])
/** Modules a pure package may import besides other pure packages: computation only, no I/O. */
const PURE_ALLOWED = [/^avsc$/, /^node:crypto$/, /^vitest$/, /^yaml$/]
/**
 * Entries of non-pure packages that hold only pure code, and the file behind each:
 * a pure package's tests may import them, and they are held to the pure rules.
 */
const PURE_TEST_ENTRIES = new Map([
  ['@adpulse/events/testing', 'packages/events/test/builders.ts'],
  ['@adpulse/rules/testing', 'packages/rules/test/campaign-only.ts'],
  ['@adpulse/audiences/testing', 'packages/audiences/test/cart-abandoners.ts'],
])
const isTestFile = (file) => /\.test\.ts$/.test(file) || /(^|\/)test\//.test(file)
/** What a service may import from another service. */
const ENTRY_POINT = /^attach[A-Z]\w*$/
const problems = []

function workspaces(dir) {
  return readdirSync(join(root, dir)).map((name) => {
    const path = join(root, dir, name)
    const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'))
    return {
      dir,
      path,
      name: manifest.name,
      deps: Object.keys(manifest.dependencies ?? {}),
      entries: Object.keys(manifest.exports ?? {}).map((subpath) => join(manifest.name, subpath)),
    }
  })
}

function sources(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sources(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

/** Every import and re-export of a file: the module, and the names taken (null: all, as `* as x` or `export *`). */
function importsOf(file) {
  const text = readFileSync(file, 'utf8')
  const found = [...text.matchAll(/^(?:import|export)\s([^'"]*?)\s*from\s+'([^']+)'/gm)].map((m) => ({
    module: m[2],
    names: namesOf(m[1]),
  }))
  // Type-only references written inline: `import('@adpulse/clickhouse').KpiSumsRow`.
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) found.push({ module: m[1], names: null })
  return found.map((i) => ({ ...i, file: relative(root, file) }))
}

function namesOf(clause) {
  const braces = clause.match(/\{([^}]*)\}/)
  if (!braces || /\*|^\s*(?:type\s+)?\w+\s*,/.test(clause.replace(braces[0], ''))) return null
  return braces[1]
    .split(',')
    .map(
      (n) =>
        n
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0],
    )
    .filter(Boolean)
}

const packages = workspaces('packages')
const services = workspaces('services')
const serviceNames = new Set(services.map((s) => s.name))
const workspaceNames = new Set([...packages, ...services].map((w) => w.name))
const declaredEntries = new Set([...packages, ...services].flatMap((w) => w.entries))
const pureModule = (base, module) =>
  PURE.has(base) || PURE_ALLOWED.some((re) => re.test(base)) || PURE_TEST_ENTRIES.has(module)

for (const ws of [...packages, ...services]) {
  const isService = ws.dir === 'services'
  const deps = ws.deps.map((module) => ({
    file: `${ws.dir}/${ws.path.split('/').pop()}/package.json`,
    module,
  }))
  // Sources and the test support beside them (a `test/` folder next to `src/`).
  const imports = ['src', 'test']
    .map((dir) => join(ws.path, dir))
    .filter((dir) => existsSync(dir))
    .flatMap(sources)
    .flatMap(importsOf)
  for (const { file, module } of deps) {
    if (!isService && serviceNames.has(module))
      problems.push(`${file}: package ${ws.name} depends on service ${module}`)
  }
  for (const { file, module, names } of imports) {
    if (module.startsWith('.')) {
      const target = resolve(dirname(join(root, file)), module)
      if (!target.startsWith(`${ws.path}/`)) {
        problems.push(
          `${file}: imports ${module}, a file of another workspace (${relative(root, target)}); ` +
            'import the workspace by its name instead',
        )
      }
      continue
    }
    const base = module.match(/^(@[^/]+\/[^/]+|[^/]+)/)?.[1] ?? module
    if (workspaceNames.has(base) && base !== module && !declaredEntries.has(module)) {
      problems.push(`${file}: imports ${module}, inside ${base}; import ${base} itself`)
    }
    if (serviceNames.has(base) && !isService) {
      problems.push(`${file}: package ${ws.name} imports service ${base}; packages never use services`)
    } else if (serviceNames.has(base) && base !== ws.name) {
      const internal = names === null ? ['* (everything)'] : names.filter((n) => !ENTRY_POINT.test(n))
      if (internal.length > 0) {
        problems.push(
          `${file}: imports ${internal.join(', ')} from service ${base}; a service offers other services ` +
            'only its attach* entry point (move shared logic into a package)',
        )
      }
    }
    if (PURE_TEST_ENTRIES.has(module) && !isTestFile(file) && !ws.name.endsWith('/testkit')) {
      problems.push(`${file}: ${ws.name} imports ${module}, test support, outside its tests`)
    } else if (PURE.has(ws.name) && !pureModule(base, module)) {
      problems.push(
        `${file}: pure package ${ws.name} imports ${module}; pure packages use no I/O or storage module, ` +
          'not even its types (give the package its own input type)',
      )
    }
  }
  for (const { file, module } of deps) {
    if (PURE.has(ws.name) && !PURE.has(module) && !PURE_ALLOWED.some((re) => re.test(module))) {
      problems.push(`${file}: pure package ${ws.name} depends on ${module}`)
    }
  }
}

// A pure entry and every file it reaches by a relative import.
for (const [entry, start] of PURE_TEST_ENTRIES) {
  const seen = new Set()
  const visit = (file) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const { module } of importsOf(join(root, file))) {
      if (module.startsWith('.')) {
        visit(relative(root, resolve(dirname(join(root, file)), module)))
        continue
      }
      const base = module.match(/^(@[^/]+\/[^/]+|[^/]+)/)?.[1] ?? module
      if (!pureModule(base, module)) {
        problems.push(
          `${file}: part of ${entry}, which every package's tests use, so it imports no ${module}`,
        )
      }
    }
  }
  visit(start)
}

if (problems.length > 0) {
  console.error(`dependency boundaries broken:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(`dependency boundaries ok (${packages.length} packages, ${services.length} services)`)
