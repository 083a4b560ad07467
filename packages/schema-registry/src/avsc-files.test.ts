import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EVENT_V1, SCHEMA_HISTORY } from '@adpulse/events'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AVSC_DIR,
  avscFiles,
  defaultSubjects,
  readAvscDir,
  WRITE_AVSC_COMMAND,
  writeAvscDir,
} from './avsc-files.ts'

describe('schemas/*.avsc', () => {
  it('equal SCHEMA_HISTORY, one file per published version', async () => {
    const expected = avscFiles(defaultSubjects())
    const stale = `schemas/ differs from SCHEMA_HISTORY (packages/events/src/schemas.ts): run \`${WRITE_AVSC_COMMAND}\``
    expect(await readAvscDir(AVSC_DIR), stale).toEqual(expected)
    const versions =
      SCHEMA_HISTORY.events.length + SCHEMA_HISTORY.signals.length + SCHEMA_HISTORY.audiences.length
    expect(expected).toHaveLength(versions)
    expect(expected.map((f) => f.name)).toContain('adpulse.events.v1-value.v1.avsc')
    const eventV1 = expected.find((f) => f.name === 'adpulse.events.v1-value.v1.avsc')
    expect(JSON.parse(eventV1?.text ?? '')).toEqual(JSON.parse(JSON.stringify(EVENT_V1)))
  })

  describe('the writer', () => {
    let dir = ''
    afterEach(async () => rm(dir, { recursive: true, force: true }))

    it('writes every file and removes an .avsc of no published version, nothing else', async () => {
      dir = await mkdtemp(join(tmpdir(), 'adpulse-avsc-'))
      await writeFile(join(dir, 'adpulse.events.v1-value.v9.avsc'), '{}')
      await writeFile(join(dir, 'notes.md'), 'kept')
      const files = avscFiles(defaultSubjects())
      await writeAvscDir(dir, files)
      expect(await readAvscDir(dir)).toEqual(files)
      expect((await readdir(dir)).sort()).toEqual([...files.map((f) => f.name), 'notes.md'].sort())
    })
  })
})
