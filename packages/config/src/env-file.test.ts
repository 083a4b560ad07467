import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadEnvFile } from './env-file.ts'

// Names of this test only, so the process's real environment is never touched.
const FROM_FILE = 'ADPULSE_ENV_FILE_TEST_FROM_FILE'
const SET_BOTH = 'ADPULSE_ENV_FILE_TEST_SET_BOTH'

describe('loadEnvFile', () => {
  const dirs: string[] = []
  const dir = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'adpulse-env-file-'))
    dirs.push(made)
    return made
  }

  afterEach(() => {
    delete process.env[FROM_FILE]
    delete process.env[SET_BOTH]
    for (const made of dirs.splice(0)) rmSync(made, { recursive: true, force: true })
  })

  it('reads .env of the directory into the environment; a variable already set wins', () => {
    const cwd = dir()
    writeFileSync(join(cwd, '.env'), `# a comment\n${FROM_FILE}=from-file\n${SET_BOTH}="from file"\n`)
    process.env[SET_BOTH] = 'from the environment'
    expect(loadEnvFile(cwd)).toBe(join(cwd, '.env'))
    expect(process.env[FROM_FILE]).toBe('from-file')
    expect(process.env[SET_BOTH]).toBe('from the environment')
  })

  it('does nothing without a .env', () => {
    expect(loadEnvFile(dir())).toBeUndefined()
    expect(process.env[FROM_FILE]).toBeUndefined()
  })
})
