import { type AudienceDefinition, parseAudiencesYaml } from './audience-definitions.ts'

/**
 * The audiences of ADPULSE_AUDIENCES_FILE (none when unset), the file read by
 * the caller's `readText`. Throws with every problem, each naming its audience
 * and field, so that a bad file stops the start.
 */
export async function audiencesInForce(
  file: string | undefined,
  readText: (path: string) => Promise<string>,
): Promise<AudienceDefinition[]> {
  if (file === undefined) return []
  let text: string
  try {
    text = await readText(file)
  } catch (err) {
    throw new Error(`ADPULSE_AUDIENCES_FILE: cannot read ${file}: ${(err as Error).message}`)
  }
  const result = parseAudiencesYaml(text)
  if (!result.ok) throw new Error(`ADPULSE_AUDIENCES_FILE ${file}:\n  - ${result.errors.join('\n  - ')}`)
  return result.audiences
}
