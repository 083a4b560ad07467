import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { openApiJson } from './document.ts'

/** Where the document lives in the repository. */
export const OPENAPI_FILE = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url))
/** What regenerates it (root package.json). */
export const WRITE_OPENAPI_COMMAND = 'pnpm openapi:write'

export async function readOpenApiFile(path = OPENAPI_FILE): Promise<string> {
  return readFile(path, 'utf8').catch(() => '')
}

export async function writeOpenApiFile(path = OPENAPI_FILE): Promise<void> {
  await writeFile(path, openApiJson())
}
