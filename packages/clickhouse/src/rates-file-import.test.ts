import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StoredRate } from './currency-rate-store.ts'
import { importRatesFile, RatesFileError, readRatesFile } from './rates-file-import.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rates-file-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const fileWith = async (name: string, text: string) => {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}
const problemsOf = async (path: string) => {
  try {
    await readRatesFile(path, 'USD')
  } catch (err) {
    if (err instanceof RatesFileError) return err.problems
    throw err
  }
  return []
}

/** The file's side: reading it from disk, and importing nothing from a bad one (parsing: pricing's rates-file.test.ts). */
describe('readRatesFile', () => {
  it('reads a YAML file from disk', async () => {
    const yaml = await fileWith('r.yaml', 'EUR:\n  2026-11-22: 1.0842\n')
    expect(await readRatesFile(yaml, 'USD')).toEqual([{ currency: 'EUR', day: '2026-11-22', rate: '1.0842' }])
  })

  it('names the problems of a file, and imports nothing then', async () => {
    const path = await fileWith('bad.yaml', 'EUR:\n  2026-11-31: 1.1\n')
    expect(await problemsOf(path)).toEqual(['rates.EUR.2026-11-31: expected a day as YYYY-MM-DD'])
    expect(await problemsOf(join(dir, 'missing.yaml'))).toEqual([
      expect.stringMatching(/^cannot read: ENOENT/),
    ])
    const written: StoredRate[] = []
    await expect(
      importRatesFile({ upsert: async (r) => void written.push(...r) }, path, 'USD'),
    ).rejects.toThrow(RatesFileError)
    expect(written).toEqual([])
  })

  it('imports every rate of a good file in one upsert', async () => {
    const path = await fileWith('good.yaml', 'EUR:\n  2026-11-22: 1.0842\nJPY:\n  2026-11-22: 0.0066\n')
    const upserts: StoredRate[][] = []
    expect(await importRatesFile({ upsert: async (r) => void upserts.push([...r]) }, path, 'USD')).toEqual({
      rates: 2,
      currencies: ['EUR', 'JPY'],
    })
    expect(upserts).toHaveLength(1)
  })

  it('reads the example file of the docs', async () => {
    const example = fileURLToPath(new URL('../../../deploy/rates.example.yaml', import.meta.url))
    const rates = await readRatesFile(example, 'USD')
    expect(rates).toHaveLength(9)
    expect(rates).toContainEqual({ currency: 'IRR', day: '2026-11-22', rate: '0.0000238' })
  })
})
