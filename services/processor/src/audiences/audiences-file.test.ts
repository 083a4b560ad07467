import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadAudiences } from './audiences-file.ts'

const EXAMPLE = new URL('../../../../deploy/audiences.example.yaml', import.meta.url).pathname

describe('loadAudiences', () => {
  it('has no audiences without a file', async () => {
    expect(await loadAudiences(undefined)).toEqual([])
  })

  it('reads the example in deploy/', async () => {
    const audiences = await loadAudiences(EXAMPLE)
    expect(audiences.map((a) => a.name)).toEqual(['cart-abandoners', 'search-clickers-not-customers'])
  })

  it('refuses a malformed file with every problem, naming the audience and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audiences-'))
    const file = join(dir, 'audiences.yaml')
    await writeFile(file, 'audiences:\n  - name: x\n    include: { type: view, lookback: 1d }\n')
    await expect(loadAudiences(file)).rejects.toThrow(
      `ADPULSE_AUDIENCES_FILE ${file}:\n  - audience "x": include.type: expected one of impression, click, conversion, engagement, got "view"\n  - audience "x": duration: expected a duration like 30m, 12h or 30d, got nothing`,
    )
    await expect(loadAudiences(join(dir, 'missing.yaml'))).rejects.toThrow(
      /^ADPULSE_AUDIENCES_FILE: cannot read /,
    )
  })
})
