import { describe, expect, it } from 'vitest'
import { parseRatesFile } from './rates-file.ts'

const problemsOf = (text: string): string[] => {
  const parsed = parseRatesFile(text, 'USD')
  return parsed.ok ? [] : parsed.problems
}

describe('parseRatesFile', () => {
  it('reads YAML and JSON with every digit as written, numbers or strings', () => {
    expect(
      parseRatesFile('EUR:\n  2026-11-22: 1.0842\n  2026-11-23: "1.10"\nJPY:\n  2026-11-22: 0.0066\n', 'USD'),
    ).toEqual({
      ok: true,
      rates: [
        { currency: 'EUR', day: '2026-11-22', rate: '1.0842' },
        { currency: 'EUR', day: '2026-11-23', rate: '1.1' },
        { currency: 'JPY', day: '2026-11-22', rate: '0.0066' },
      ],
    })
    // A JSON number is taken as its text, never through a double: 0.1 stays 0.1.
    expect(parseRatesFile('{"IRR": {"2026-11-22": 0.0000238, "2026-11-23": "0.1"}}', 'USD')).toEqual({
      ok: true,
      rates: [
        { currency: 'IRR', day: '2026-11-22', rate: '0.0000238' },
        { currency: 'IRR', day: '2026-11-23', rate: '0.1' },
      ],
    })
  })

  it('names the currency and day of every problem', () => {
    expect(
      problemsOf(
        'EUR:\n  2026-11-31: 1.1\n  2026-11-22: 1e-3\nXYZ:\n  2026-11-22: 1\nUSD:\n  2026-11-22: 1\n',
      ),
    ).toEqual([
      'rates.EUR.2026-11-31: expected a day as YYYY-MM-DD',
      'rates.EUR.2026-11-22: expected a positive decimal string such as "1.0842", got "1e-3"',
      'rates.XYZ: expected an ISO 4217 code',
      'rates.USD: is the reporting currency (its rate is 1)',
    ])
    expect(problemsOf('JPY:\n  2026-11-22: 0.0000000000000000001\n')).toEqual([
      'rates.JPY.2026-11-22: at most 18 decimal places and 20 integer digits (stored as Decimal(38, 18))',
    ])
    expect(problemsOf('EUR:\n  2026-11-22: 1\n  2026-11-22: 2\n')[0]).toMatch(
      /^not YAML or JSON: Map keys must be unique/,
    )
    expect(problemsOf('')).toEqual(['rates: expected an object of currency → { day → rate }'])
    expect(problemsOf('EUR: {}\n')).toEqual(['no rates in the file'])
  })
})
