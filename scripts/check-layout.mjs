#!/usr/bin/env node
// Keeps the layout readable (STYLE.md: small files with one concern), over the production
// sources of packages/*/src and services/*/src (tests aside):
//  - no file over MAX_FILE_LINES lines;
//  - no function over MAX_FUNCTION_LINES lines, counted from its first line to its last, so a
//    function's closures (a Fastify route registration, say) count inside it as well as alone;
//  - docs/architecture.md names only paths that exist (every backticked path);
//  - README's layout block lists every directory under packages/ and services/, and no other.
// Plain Node with the TypeScript parser the repository already has, so it needs no build.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const root = new URL('..', import.meta.url).pathname
const MAX_FILE_LINES = 300
const MAX_FUNCTION_LINES = 80
const problems = []

function sources(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sources(path)
    return path.endsWith('.ts') && !/\.test\.ts$/.test(path) ? [path] : []
  })
}

function workspaceDirs(dir) {
  return readdirSync(join(root, dir)).filter((name) => existsSync(join(root, dir, name, 'package.json')))
}

function productionFiles() {
  return ['packages', 'services'].flatMap((dir) =>
    workspaceDirs(dir)
      .map((name) => join(root, dir, name, 'src'))
      .filter((src) => existsSync(src))
      .flatMap(sources),
  )
}

/** A readable name for a function node: its own name, or the variable, property or call it sits in. */
function nameOf(node, sf) {
  if (node.name) return node.name.getText(sf)
  if (ts.isConstructorDeclaration(node)) return 'constructor'
  const parent = node.parent
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
  )
    return parent.name.getText(sf)
  if (parent && ts.isCallExpression(parent)) {
    const callee = parent.expression.getText(sf).replace(/\s+/g, '')
    const label = parent.arguments.find((a) => ts.isStringLiteralLike(a))?.text
    return `(closure passed to ${callee}${label ? `('${label}')` : ''})`
  }
  return '(anonymous function)'
}

function checkFunctions(file, sf) {
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1
      const last = sf.getLineAndCharacterOfPosition(node.end).line + 1
      const lines = last - first + 1
      if (lines > MAX_FUNCTION_LINES) {
        problems.push(
          `${file}:${first}: function ${nameOf(node, sf)} is ${lines} lines (limit ${MAX_FUNCTION_LINES}); ` +
            'split it along its steps',
        )
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
}

function checkSources() {
  const files = productionFiles()
  for (const path of files) {
    const file = relative(root, path)
    const text = readFileSync(path, 'utf8')
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
    if (lines > MAX_FILE_LINES) {
      problems.push(`${file}: ${lines} lines (limit ${MAX_FILE_LINES}); split it into files of one concern`)
    }
    checkFunctions(file, ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS))
  }
  return files.length
}

/** Every backticked repository path in docs/architecture.md (`packages/…`, `services/…`, …) exists. */
function checkArchitectureDoc() {
  const doc = 'docs/architecture.md'
  if (!existsSync(join(root, doc))) {
    problems.push(`${doc}: missing`)
    return 0
  }
  const paths = [...readFileSync(join(root, doc), 'utf8').matchAll(/`([^`\s]+)`/g)]
    .map((m) => m[1].replace(/[#:].*$/, ''))
    .filter((p) => /^(packages|services|scripts|docs|deploy|test|bench)\//.test(p))
  for (const path of new Set(paths)) {
    if (!existsSync(join(root, path))) problems.push(`${doc}: names \`${path}\`, which does not exist`)
  }
  return paths.length
}

/** README's layout block (the first code block of `## Layout`) lists each workspace directory, and only those. */
function checkReadmeLayout() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = readme.split(/^## /m).find((part) => part.startsWith('Layout\n'))
  const block = section?.match(/^```\n([\s\S]*?)\n```/m)?.[1]
  if (!block) {
    problems.push('README.md: no code block under "## Layout"')
    return
  }
  const listed = new Set(
    [...block.matchAll(/^(packages|services)\/([\w-]+)/gm)].map((m) => `${m[1]}/${m[2]}`),
  )
  const present = new Set(
    ['packages', 'services'].flatMap((dir) => workspaceDirs(dir).map((n) => `${dir}/${n}`)),
  )
  for (const dir of present) if (!listed.has(dir)) problems.push(`README.md layout: ${dir} is not listed`)
  for (const dir of listed)
    if (!present.has(dir)) problems.push(`README.md layout: lists ${dir}, which does not exist`)
}

const fileCount = checkSources()
const docPaths = checkArchitectureDoc()
checkReadmeLayout()

if (problems.length > 0) {
  console.error(`layout broken:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(
  `layout ok (${fileCount} production files: none over ${MAX_FILE_LINES} lines, no function over ` +
    `${MAX_FUNCTION_LINES}; ${docPaths} paths in docs/architecture.md exist; README layout lists every workspace)`,
)
