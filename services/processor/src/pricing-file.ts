import { readFile } from 'node:fs/promises'
import { type PricingTable, parsePricingTable } from '@adpulse/pricing'

/** Reads and validates the pricing file; throws with every problem listed. */
export async function loadPricingFile(path: string): Promise<PricingTable> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new Error(`ADPULSE_PRICING_FILE: cannot read ${path} as JSON: ${(err as Error).message}`)
  }
  const result = parsePricingTable(json)
  if (!result.ok) throw new Error(`ADPULSE_PRICING_FILE ${path}:\n  - ${result.errors.join('\n  - ')}`)
  return result.table
}
