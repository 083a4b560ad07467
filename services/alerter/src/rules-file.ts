import { readFile } from 'node:fs/promises'
import type { AdpulseConfig } from '@adpulse/config'
import { type Rule, rulesInForce } from '@adpulse/rules'

/**
 * The rules in force: ADPULSE_RULES_FILE read from disk (YAML, or JSON which is
 * YAML too), or the defaults from the alerter's configuration. Throws with every problem.
 */
export function loadRules(config: AdpulseConfig['alerter']): Promise<Rule[]> {
  return rulesInForce(config, (path) => readFile(path, 'utf8'))
}
