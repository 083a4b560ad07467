import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StoredRate } from '@adpulse/clickhouse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importRatesFile, RatesFileError, readRatesFile } from './rates-file.ts'

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

describe('readRatesFile', () => {
  it('reads YAML and JSON with every digit as written, numbers or strings', async () => {
    const yaml = await fileWith(
      'r.yaml',
      'EUR:\n  2026-11-22: 1.0842\n  2026-11-23: "1.10"\nJPY:\n  2026-11-22: 0.0066\n',
    )
    expect(await readRatesFile(yaml, 'USD')).toEqual([
      { currency: 'EUR', day: '2026-11-22', rate: '1.0842' },
      { currency: 'EUR', day: '2026-11-23', rate: '1.1' },
      { currency: 'JPY', day: '2026-11-22', rate: '0.0066' },
    ])
    // A JSON number is taken as its text, never through a double: 0.1 stays 0.1.
    const json = await fileWith('r.json', '{"IRR": {"2026-11-22": 0.0000238, "2026-11-23": "0.1"}}')
    expect(await readRatesFile(json, 'USD')).toEqual([
      { currency: 'IRR', day: '2026-11-22', rate: '0.0000238' },
      { currency: 'IRR', day: '2026-11-23', rate: '0.1' },
    ])
  })

  it('names the currency and day of every problem, and imports nothing then', async () => {
    const path = await fileWith(
      'bad.yaml',
      'EUR:\n  2026-11-31: 1.1\n  2026-11-22: 1e-3\nXYZ:\n  2026-11-22: 1\nUSD:\n  2026-11-22: 1\n',
    )
    expect(await problemsOf(path)).toEqual([
      'rates.EUR.2026-11-31: expected a day as YYYY-MM-DD',
      'rates.EUR.2026-11-22: expected a positive decimal string such as "1.0842", got "1e-3"',
      'rates.XYZ: expected an ISO 4217 code',
      'rates.USD: is the reporting currency (its rate is 1)',
    ])
    const precise = await fileWith('precise.yaml', 'JPY:\n  2026-11-22: 0.0000000000000000001\n')
    expect(await problemsOf(precise)).toEqual([
      'rates.JPY.2026-11-22: at most 18 decimal places and 20 integer digits (stored as Decimal(38, 18))',
    ])
    expect(
      (await problemsOf(await fileWith('dup.yaml', 'EUR:\n  2026-11-22: 1\n  2026-11-22: 2\n')))[0],
    ).toMatch(/^not YAML or JSON: Map keys must be unique/)
    expect(await problemsOf(await fileWith('empty.yaml', ''))).toEqual([
      'rates: expected an object of currency → { day → rate }',
    ])
    expect(await problemsOf(join(dir, 'missing.yaml'))).toEqual([
      expect.stringMatching(/^cannot read: ENOENT/),
    ])

    const written: StoredRate[] = []
    await expect(
      importRatesFile({ upsert: async (r) => void written.push(...r) }, path, 'USD'),
    ).rejects.toThrow(RatesFileError)
    expect(written).toEqual([])
  })

  it('reads the example file of the docs', async () => {
    const example = fileURLToPath(new URL('../../../deploy/rates.example.yaml', import.meta.url))
    const rates = await readRatesFile(example, 'USD')
    expect(rates).toHaveLength(9)
    expect(rates).toContainEqual({ currency: 'IRR', day: '2026-11-22', rate: '0.0000238' })
  })
})
