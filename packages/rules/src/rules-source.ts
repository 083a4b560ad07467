import { parse as parseYaml } from 'yaml'
import { defaultRulesDocument } from './default-rules.ts'
import { parseRules, type Rule } from './rule-config.ts'

/** Where the rules in force come from: a rules file, or the defaults these settings make. */
export interface RulesSource {
  /** `ADPULSE_RULES_FILE`: YAML, or JSON (which is YAML too); unset, the defaults. */
  rulesFile?: string | undefined
  windowMs: number
  minSpendMicros: bigint
  cutBelowRoi: number
  scaleAboveRoi: number
}

/**
 * The rules in force: the rules file, or the defaults from the settings. The
 * caller supplies how a file is read (the alerter and the CLI read the disk),
 * so the rules stay free of I/O. Throws with every problem.
 */
export async function rulesInForce(
  source: RulesSource,
  readText: (path: string) => Promise<string>,
): Promise<Rule[]> {
  let document: unknown
  if (source.rulesFile === undefined) {
    document = defaultRulesDocument(source.windowMs, source.minSpendMicros, source)
  } else {
    try {
      document = parseYaml(await readText(source.rulesFile))
    } catch (err) {
      throw new Error(`ADPULSE_RULES_FILE: cannot read ${source.rulesFile}: ${(err as Error).message}`)
    }
  }
  const result = parseRules(document)
  if (!result.ok) {
    const name = source.rulesFile ?? 'the default rules'
    throw new Error(`ADPULSE_RULES_FILE ${name}:\n  - ${result.errors.join('\n  - ')}`)
  }
  return result.rules
}
