import { readFile } from 'node:fs/promises'
import type { AdpulseConfig } from '@adpulse/config'
import { defaultRulesDocument, parseRules, type Rule } from '@adpulse/rules'
import { parse as parseYaml } from 'yaml'

/**
 * The rules in force: ADPULSE_RULES_FILE (YAML, or JSON which is YAML too), or
 * the defaults from the alerter's configuration. Throws with every problem.
 */
export async function loadRules(config: AdpulseConfig['alerter']): Promise<Rule[]> {
  let document: unknown
  if (config.rulesFile === undefined) {
    document = defaultRulesDocument(config.windowMs, config.minSpendMicros, config)
  } else {
    try {
      document = parseYaml(await readFile(config.rulesFile, 'utf8'))
    } catch (err) {
      throw new Error(`ADPULSE_RULES_FILE: cannot read ${config.rulesFile}: ${(err as Error).message}`)
    }
  }
  const result = parseRules(document)
  if (!result.ok) {
    const source = config.rulesFile ?? 'the default rules'
    throw new Error(`ADPULSE_RULES_FILE ${source}:\n  - ${result.errors.join('\n  - ')}`)
  }
  return result.rules
}
