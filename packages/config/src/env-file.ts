import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Reads `.env` of `dir` (default the working directory) into process.env when
 * the file exists, and says which file it read. A variable already set in the
 * environment wins over the file, so `FOO=x adpulse …` overrides a `.env` line.
 * The format is Node's own (process.loadEnvFile): `NAME=value` lines, `#`
 * comments, quoted values. Called once by each entry point, before loadConfig.
 */
export function loadEnvFile(dir: string = process.cwd()): string | undefined {
  const path = join(dir, '.env')
  if (!existsSync(path)) return undefined
  process.loadEnvFile(path)
  return path
}
