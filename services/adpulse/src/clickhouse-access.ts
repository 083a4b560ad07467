import { type ClickHouseClient, createClickHouse } from '@adpulse/clickhouse'
import type { AdpulseConfig } from '@adpulse/config'

export type Opened = { ok: true; client: ClickHouseClient } | { ok: false; error: string }

/**
 * The configured ClickHouse. chDB allows one process per data directory, and a
 * running `adpulse start` holds its directory for as long as it runs; chDB then
 * refuses the connection with code CHDB_CONNECTION, which is turned into advice.
 */
export async function openClickHouse(config: AdpulseConfig['clickhouse']): Promise<Opened> {
  try {
    return { ok: true, client: await createClickHouse({ ...config }) }
  } catch (err) {
    if (config.url === undefined && errorCode(err) === 'CHDB_CONNECTION') {
      return {
        ok: false,
        error:
          `cannot open the embedded ClickHouse data directory ${config.chdbPath} (ADPULSE_CHDB_PATH): ` +
          'chDB allows one process per data directory, and a running `adpulse start` holds it. ' +
          'Stop the pipeline and run the command again, or set CLICKHOUSE_URL to a ClickHouse server.',
      }
    }
    return {
      ok: false,
      error: `cannot open ${where(config)}: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
}

/** The server (without credentials) or the chDB directory, for messages. */
export function where(config: AdpulseConfig['clickhouse']): string {
  if (config.url === undefined) return `embedded chDB at ${config.chdbPath}`
  const url = new URL(config.url)
  url.username = ''
  url.password = ''
  return `ClickHouse ${url.origin}`
}

const errorCode = (err: unknown): unknown =>
  typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined

/** The `type` @clickhouse/client parses from a server error (UNKNOWN_TABLE, …); undefined otherwise. */
export const clickHouseErrorType = (err: unknown): unknown =>
  typeof err === 'object' && err !== null && 'type' in err ? err.type : undefined
