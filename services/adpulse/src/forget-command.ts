import { readFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { audiencesInForce } from '@adpulse/audiences'
import { migrate, UserDeletionStore, userDeletionJson } from '@adpulse/clickhouse'
import type { CommandIo } from './backtest-command.ts'
import { openClickHouse, where } from './clickhouse-access.ts'
import { commandConfig } from './command-config.ts'

export const FORGET_USAGE = `usage: adpulse forget USER_ID [--by NAME]

Forgets a person: deletes every raw event (events_raw) carrying USER_ID, and with them
the user's audience memberships, records the deletion in user_deletions (who, when, how
many rows; the id kept only as its SHA-256) and prints what was removed as JSON. The
KPIs keep their sums: the minute buckets hold no ids. The same as DELETE /v1/users/{user_id}.

options:
  --by NAME     who asks, recorded with the deletion (default: cli:<the OS user>)
  -h, --help    this help

With embedded chDB (no CLICKHOUSE_URL) it opens ADPULSE_CHDB_PATH itself, which one process
may hold at a time: stop a running \`adpulse start\` first, or use the API
(DELETE /v1/users/{user_id} with an ADPULSE_ADMIN_KEYS key).

exit codes: 0 forgotten; 1 configuration or ClickHouse failed;
            2 bad arguments, or no event of USER_ID in events_raw (nothing deleted)`

type ForgetArgs = { ok: true; userId: string; by: string | undefined } | { ok: false; error: string }

/** `USER_ID [--by NAME]` (also `--by=NAME`). */
export function parseForgetArgs(argv: readonly string[]): ForgetArgs {
  const positional: string[] = []
  let by: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--by' || arg.startsWith('--by=')) {
      by = arg === '--by' ? argv[++i] : arg.slice('--by='.length)
      if (by === undefined || by.trim() === '') return { ok: false, error: '--by: expected a name' }
    } else if (arg.startsWith('--')) {
      return { ok: false, error: `unknown option ${JSON.stringify(arg)}` }
    } else {
      positional.push(arg)
    }
  }
  if (positional.length !== 1 || positional[0] === '') {
    return { ok: false, error: `expected one USER_ID, got ${positional.length}` }
  }
  return { ok: true, userId: positional[0] as string, by }
}

/** `adpulse forget USER_ID`: UserDeletionStore.forget from the command line. */
export async function forgetCommand(
  argv: readonly string[],
  io: CommandIo,
  now: () => number = Date.now,
): Promise<number> {
  const fail = (message: string, code: number): number => {
    io.stderr.write(`adpulse forget: ${message}\n`)
    return code
  }
  const args = parseForgetArgs(argv)
  if (!args.ok) return fail(`${args.error}\n(adpulse forget --help shows the usage)`, 2)
  const configured = commandConfig(io.env)
  if (!configured.ok) return fail(configured.error, 1)
  const { config } = configured
  let audiences: Awaited<ReturnType<typeof audiencesInForce>>
  try {
    audiences = await audiencesInForce(config.audiences.file, (path) => readFile(path, 'utf8'))
  } catch (err) {
    return fail((err as Error).message, 1)
  }
  const opened = await openClickHouse(config.clickhouse)
  if (!opened.ok) return fail(opened.error, 1)
  const { client } = opened
  try {
    await migrate(client, config.clickhouse.database, {
      cluster: config.clickhouse.cluster,
      rawRetentionSeconds: Math.ceil(config.clickhouse.rawRetentionMs / 1000),
    })
    const deletion = await new UserDeletionStore(client, config.clickhouse.database).forget({
      userId: args.userId,
      requestedBy: args.by ?? `cli:${userInfo().username}`,
      via: 'cli',
      audiences,
      now: now(),
    })
    if (deletion === null) {
      return fail(
        `no event of user ${JSON.stringify(args.userId)} in events_raw over ${where(config.clickhouse)} (never seen, already forgotten, or past ADPULSE_RAW_RETENTION); nothing deleted`,
        2,
      )
    }
    io.stdout.write(`${JSON.stringify(userDeletionJson(deletion))}\n`)
    return 0
  } catch (err) {
    return fail(`failed: ${err instanceof Error ? err.message : String(err)}`, 1)
  } finally {
    await client.close()
  }
}
