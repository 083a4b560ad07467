import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '@adpulse/config'
import { type SchemaSubjects, schemaSubjects, topicSubjects } from './schema-subjects.ts'

/** Where the `.avsc` files live in the repository: `schemas/`, beside README.md. */
export const AVSC_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url))
/** What regenerates them (root package.json). */
export const WRITE_AVSC_COMMAND = 'pnpm schemas:write'

/** One `.avsc` file: `<subject>.v<version>.avsc`, the schema as pretty JSON. */
export interface AvscFile {
  name: string
  text: string
}

/** Every published version of every subject, one file each. */
export function avscFiles(subjects: SchemaSubjects): AvscFile[] {
  return subjects.subjects.flatMap((subject) =>
    (subjects.versionsOf(subject) ?? []).map((v) => ({
      name: `${subject}.v${v.version}.avsc`,
      text: `${JSON.stringify(v.schema, null, 2)}\n`,
    })),
  )
}

/** The subjects under the default topic names (README, Configuration): the ones the files are named after. */
export function defaultSubjects(): SchemaSubjects {
  return schemaSubjects(topicSubjects(loadConfig({}).kafka.topics))
}

/** The `.avsc` files in a directory, by name. */
export async function readAvscDir(dir: string): Promise<AvscFile[]> {
  const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.avsc')).sort()
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })))
}

/** Writes the files and removes any other `.avsc` there (a schema never published). */
export async function writeAvscDir(dir: string, files: AvscFile[]): Promise<void> {
  const keep = new Set(files.map((f) => f.name))
  for (const old of await readAvscDir(dir)) if (!keep.has(old.name)) await rm(join(dir, old.name))
  for (const file of files) await writeFile(join(dir, file.name), file.text)
}
