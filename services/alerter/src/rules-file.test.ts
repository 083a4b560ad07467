import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@adpulse/config'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadRules } from './rules-file.ts'

describe('loadRules', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adpulse-rules-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const alerterConfig = (env: Record<string, string> = {}) => loadConfig(env).alerter

  it('builds the defaults from the configuration', async () => {
    const rules = await loadRules(
      alerterConfig({ ADPULSE_ALERTER_WINDOW: '24h', ADPULSE_SCALE_ABOVE_ROI: '1.5' }),
    )
    expect(rules.map((r) => [r.name, r.windowMs, r.whenText, r.exitText])).toEqual([
      ['cut-unprofitable', 86_400_000, 'roi < 0', 'roi > 0.2'],
      ['scale-profitable', 86_400_000, 'roi > 1.5', 'roi < 1.3'],
    ])
  })

  it('reads YAML and JSON files', async () => {
    const yaml = join(dir, 'rules.yaml')
    await writeFile(
      yaml,
      'rules:\n  - name: guard\n    action: CUT\n    when: cpa_micros > 50000000\n    exit: cpa_micros < 40000000\n',
    )
    expect((await loadRules(alerterConfig({ ADPULSE_RULES_FILE: yaml })))[0]?.name).toBe('guard')
    const json = join(dir, 'rules.json')
    await writeFile(
      json,
      JSON.stringify({ rules: [{ name: 'j', action: 'SCALE', when: 'roi > 2', exit: 'roi < 1' }] }),
    )
    expect((await loadRules(alerterConfig({ ADPULSE_RULES_FILE: json })))[0]?.name).toBe('j')
  })

  it('refuses a file with problems, naming the file, the rule and the field', async () => {
    const bad = join(dir, 'bad.yaml')
    await writeFile(bad, 'rules:\n  - name: guard\n    action: CUT\n    when: cpa > 5\n    exit: roi > 0\n')
    await expect(loadRules(alerterConfig({ ADPULSE_RULES_FILE: bad }))).rejects.toThrow(
      `ADPULSE_RULES_FILE ${bad}:\n  - rule "guard": when: unknown name "cpa"`,
    )
    await expect(loadRules(alerterConfig({ ADPULSE_RULES_FILE: join(dir, 'missing.yaml') }))).rejects.toThrow(
      /^ADPULSE_RULES_FILE: cannot read .*missing\.yaml/,
    )
  })
})
