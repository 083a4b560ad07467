import { readFile } from 'node:fs/promises'
import { type AudienceDefinition, audiencesInForce } from '@adpulse/audiences'

/** The audiences of ADPULSE_AUDIENCES_FILE read from disk (none when unset); throws with every problem. */
export function loadAudiences(file: string | undefined): Promise<AudienceDefinition[]> {
  return audiencesInForce(file, (path) => readFile(path, 'utf8'))
}
