import { mkdir } from 'node:fs/promises'
import { AVSC_DIR, avscFiles, defaultSubjects, writeAvscDir } from './avsc-files.ts'

// `pnpm schemas:write`: regenerates schemas/*.avsc from SCHEMA_HISTORY (packages/events/src/schemas.ts).
const files = avscFiles(defaultSubjects())
await mkdir(AVSC_DIR, { recursive: true })
await writeAvscDir(AVSC_DIR, files)
console.info(`wrote ${files.length} files to schemas/: ${files.map((f) => f.name).join(', ')}`)
