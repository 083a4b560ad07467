#!/usr/bin/env node
// Keeps dependencies one way (STYLE.md, habit 1), over package.json dependencies
// and every import in the sources (tests included):
//  - packages never use services;
//  - the pure packages (events, pricing, kpi, rules) use no I/O and no storage
//    module, not even a type of it (@adpulse/clickhouse's rows, say): they get
//    their own input types and the services map to them;
//  - a service uses another service only through its `attach*` entry point
//    (attachIngest, attachProcessor, attachAlerter), never its other exports;
//  - no workspace reaches into another's files by a relative path or a deep import.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const PURE = new Set(['@adpulse/events', '@adpulse/pricing', '@adpulse/kpi', '@adpulse/rules'])
/** Modules a pure package may import besides other pure packages: computation only, no I/O. */
const PURE_ALLOWED = [/^avsc$/, /^node:crypto$/, /^vitest$/, /^yaml$/]
/** What a service may import from another service. */
const ENTRY_POINT = /^attach[A-Z]\w*$/
const problems = []

function workspaces(dir) {
  return readdirSync(join(root, dir)).map((name) => {
    const path = join(root, dir, name)
    const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'))
    return { dir, path, name: manifest.name, deps: Object.keys(manifest.dependencies ?? {}) }
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

for (const ws of [...packages, ...services]) {
  const isService = ws.dir === 'services'
  const deps = ws.deps.map((module) => ({
    file: `${ws.dir}/${ws.path.split('/').pop()}/package.json`,
    module,
  }))
  const imports = sources(join(ws.path, 'src')).flatMap(importsOf)
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
    if (workspaceNames.has(base) && base !== module) {
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
    if (PURE.has(ws.name) && !PURE.has(base) && !PURE_ALLOWED.some((re) => re.test(base))) {
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

if (problems.length > 0) {
  console.error(`dependency boundaries broken:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(`dependency boundaries ok (${packages.length} packages, ${services.length} services)`)
