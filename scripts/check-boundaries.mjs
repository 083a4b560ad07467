#!/usr/bin/env node
// Keeps dependencies one way (STYLE.md, habit 1): services may use packages,
// packages never use services, and the pure packages use no I/O at all.
// Checks both package.json dependencies and every import in the sources.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const PURE = new Set(['@adpulse/events', '@adpulse/pricing', '@adpulse/kpi', '@adpulse/rules'])
/** Modules a pure package may import besides other pure packages. */
const PURE_ALLOWED = [/^avsc$/, /^node:crypto$/, /^vitest$/]
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

const packages = workspaces('packages')
const services = new Set(workspaces('services').map((s) => s.name))

for (const pkg of packages) {
  const imports = sources(join(pkg.path, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => ({
      file: file.slice(root.length),
      module: m[1],
    })),
  )
  for (const { file, module } of [
    ...pkg.deps.map((module) => ({ file: `${pkg.dir}/package.json`, module })),
    ...imports,
  ]) {
    if (module.startsWith('.')) continue
    if (services.has(module)) problems.push(`${file}: package ${pkg.name} depends on service ${module}`)
    if (PURE.has(pkg.name) && !PURE.has(module) && !PURE_ALLOWED.some((re) => re.test(module))) {
      problems.push(`${file}: pure package ${pkg.name} depends on ${module}`)
    }
  }
}

if (problems.length > 0) {
  console.error(`dependency boundaries broken:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(`dependency boundaries ok (${packages.length} packages)`)
