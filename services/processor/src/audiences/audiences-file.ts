import { readFile } from 'node:fs/promises'
import { type AudienceDefinition, parseAudiencesYaml } from '@adpulse/audiences'

/**
 * The audiences of ADPULSE_AUDIENCES_FILE (none when unset). Throws with every
 * problem, each naming its audience and field, so a bad file stops the start.
 */
export async function loadAudiences(file: string | undefined): Promise<AudienceDefinition[]> {
  if (file === undefined) return []
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new Error(`ADPULSE_AUDIENCES_FILE: cannot read ${file}: ${(err as Error).message}`)
  }
  const result = parseAudiencesYaml(text)
  if (!result.ok) throw new Error(`ADPULSE_AUDIENCES_FILE ${file}:\n  - ${result.errors.join('\n  - ')}`)
  return result.audiences
}
