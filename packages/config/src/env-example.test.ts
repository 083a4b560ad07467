import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { describe, expect, it } from 'vitest'
import { codeDefault, type Default, parseDefault, variablesReadByConfig } from '../test/variables.ts'
import { REPO_ROOT } from './repo-root.ts'

/**
 * `.env.example` lists exactly the variables loadConfig reads, each commented
 * out with its default and a one-line comment above it. The list comes from the
 * code (the readers record what they read), so a new variable fails here until
 * its two lines are added.
 */

const VARIABLE_LINE = /^# ?([A-Z][A-Z0-9_]*)=(.*)$/

interface ExampleLine {
  variable: string
  /** The line without its `# `, as it reads once uncommented. */
  uncommented: string
  /** The line above it. */
  comment: string | undefined
}

function exampleLines(text: string): ExampleLine[] {
  const lines = text.split('\n')
  return lines.flatMap((line, i) => {
    const match = VARIABLE_LINE.exec(line)
    if (match === null) return []
    return [{ variable: match[1] as string, uncommented: line.replace(/^# ?/, ''), comment: lines[i - 1] }]
  })
}

/** In an env file an empty value is no value: the configuration reads both as unset. */
const asInFile = (value: Default): Default => (value === '' ? undefined : value)

describe('.env.example', () => {
  const text = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8')
  const lines = exampleLines(text)
  const variables = variablesReadByConfig()

  it('lists exactly the variables the configuration reads, each once', () => {
    const names = lines.map((line) => line.variable)
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([])
    expect([...names].sort()).toEqual([...variables.keys()].sort())
  })

  it('gives each the default the code has, read the way Node reads a .env file', () => {
    const uncommented = parseEnv(lines.map((line) => line.uncommented).join('\n'))
    const documented = Object.fromEntries(
      lines.map(({ variable }) => [
        variable,
        asInFile(parseDefault(uncommented[variable] || undefined, variables.get(variable)?.kind)),
      ]),
    )
    const coded = Object.fromEntries(
      [...variables].map(([name, read]) => [name, asInFile(codeDefault(read))]),
    )
    expect(documented).toStrictEqual(coded)
  })

  it('says what each is in a one-line comment above it', () => {
    const isComment = (line: string | undefined) =>
      line !== undefined && /^# \S/.test(line) && !VARIABLE_LINE.test(line) && !line.startsWith('# ---')
    expect(lines.filter(({ comment }) => !isComment(comment)).map(({ variable }) => variable)).toEqual([])
  })

  it('changes nothing when copied to .env as it is: every variable is commented out', () => {
    expect(parseEnv(text)).toEqual({})
  })
})
