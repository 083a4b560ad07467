import { describe, expect, it } from 'vitest'
import { type RulesSource, rulesInForce } from './rules-source.ts'

const DEFAULTS: RulesSource = {
  windowMs: 86_400_000,
  minSpendMicros: 10_000_000n,
  cutBelowRoi: 0,
  scaleAboveRoi: 1.5,
}

/** Files in memory: a missing one fails as a read from disk would. */
const filesOf =
  (files: Record<string, string>) =>
  async (path: string): Promise<string> => {
    const text = files[path]
    if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`)
    return text
  }

describe('rulesInForce', () => {
  it('builds the defaults from the settings, reading no file', async () => {
    const rules = await rulesInForce(DEFAULTS, filesOf({}))
    expect(rules.map((r) => [r.name, r.windowMs, r.whenText, r.exitText])).toEqual([
      ['cut-unprofitable', 86_400_000, 'roi < 0', 'roi > 0.2'],
      ['scale-profitable', 86_400_000, 'roi > 1.5', 'roi < 1.3'],
    ])
  })

  it('reads YAML and JSON', async () => {
    const read = filesOf({
      'rules.yaml':
        'rules:\n  - name: guard\n    action: CUT\n    when: cpa_micros > 50000000\n    exit: cpa_micros < 40000000\n',
      'rules.json': JSON.stringify({
        rules: [{ name: 'j', action: 'SCALE', when: 'roi > 2', exit: 'roi < 1' }],
      }),
    })
    expect((await rulesInForce({ ...DEFAULTS, rulesFile: 'rules.yaml' }, read))[0]?.name).toBe('guard')
    expect((await rulesInForce({ ...DEFAULTS, rulesFile: 'rules.json' }, read))[0]?.name).toBe('j')
  })

  it('refuses a file with problems, naming the file, the rule and the field', async () => {
    const read = filesOf({
      'bad.yaml': 'rules:\n  - name: guard\n    action: CUT\n    when: cpa > 5\n    exit: roi > 0\n',
    })
    await expect(rulesInForce({ ...DEFAULTS, rulesFile: 'bad.yaml' }, read)).rejects.toThrow(
      'ADPULSE_RULES_FILE bad.yaml:\n  - rule "guard": when: unknown name "cpa"',
    )
    await expect(rulesInForce({ ...DEFAULTS, rulesFile: 'missing.yaml' }, read)).rejects.toThrow(
      /^ADPULSE_RULES_FILE: cannot read missing\.yaml: ENOENT/,
    )
  })
})
