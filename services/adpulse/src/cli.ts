#!/usr/bin/env -S node --import tsx
import { DEAD_LETTER_REASONS } from '@adpulse/events'
import { createLogger } from '@adpulse/observability'
import { backtestCommand } from './backtest-command.ts'
import { REPLAYABLE_REASONS } from './dlq-args.ts'
import { dlqCommand } from './dlq-command.ts'
import { ratesCommand } from './rates-command.ts'
import { rebuildCommand } from './rebuild-command.ts'
import { startCommand } from './start-command.ts'
import { parseStartFlags } from './start-flags.ts'

const USAGE = `usage: adpulse start [--demo] [--dry-run]
       adpulse backtest --from TIME --to TIME [--rules FILE] [--step 15m] [--json]
       adpulse rebuild --from DAY --to DAY
       adpulse rates import FILE
       adpulse dlq tail [--reason R[,R…]] [--since TIME] [--json] [--follow]
       adpulse dlq replay --reason R[,R…] [--from TIME] [--to TIME] [--dry-run]

  start        run ingest, processor and alerter in one process on ADPULSE_PORT (default 8080);
               without KAFKA_BROKERS it starts the local broker, without CLICKHOUSE_URL embedded chDB
    --demo     also post demo traffic to /v1/events every second, so KPIs and signals move
    --dry-run  the alerter evaluates live and logs what it would publish, and publishes nothing
               (the same as ADPULSE_ALERTER_DRY_RUN=true)

  backtest     replay the stored minute buckets through the rules every --step from --from
               to --to, and print the signals that would have fired with the spend each would
               have saved (CUT) or added (SCALE); reads ClickHouse only, starts no Kafka
    --rules    rules file, YAML or JSON (docs/decisions.md); default ADPULSE_RULES_FILE, else the default rules
    --from     first evaluation: RFC 3339 (2026-11-22T10:00:00Z) or epoch ms, on a whole minute
    --to       end, exclusive, the same form
    --step     time between evaluations, whole minutes (default 15m)
    --json     JSON lines, money as strings of micros, instead of a table

  rebuild      recompute the minute buckets (kpi_buckets) of whole UTC days from the raw events
               (events_raw), one day at a time, each swapped in at once; repeatable, and safe while the
               pipeline runs against a ClickHouse server. Days must lie within ADPULSE_RAW_RETENTION
    --from     first day: 2026-11-20, or its start as RFC 3339 or epoch ms
    --to       end day, exclusive, the same form

  rates import FILE
               write exchange rates to the reporting currency (ADPULSE_REPORTING_CURRENCY) into
               ClickHouse's currency_rates, replacing days already there; FILE is YAML or JSON of
               currency → { "YYYY-MM-DD": "rate" }, e.g. {"EUR": {"2026-11-22": "1.0842"}}, the value of
               1 unit of the currency on that UTC day (docs/currencies.md). Every problem is listed and
               nothing is imported when there is one. Processors use the rates within ADPULSE_RATES_REFRESH
               (default 60s), at once for an event that needs one; events without their rate wait on the
               dead-letter topic (reason missing_rate) to be replayed.

  dlq tail     print the dead letters (ADPULSE_TOPIC_DLQ) written since --since, to the topic's end:
               when written, reason, stage, source, event id, receipt, and the detail (docs/dead-letters.md)
    --reason   only these reasons, comma-separated (${DEAD_LETTER_REASONS.join(', ')})
    --since    RFC 3339, epoch ms, or a duration back from now such as 15m (default 1h)
    --json     JSON lines: each record as written, with dead_lettered_at, dlq_partition, dlq_offset
    --follow   keep printing new dead letters until interrupted

  dlq replay   send the recoverable dead letters of --reason back to the events topic, and say how many
               went and how many were skipped, and why. missing_rate: the kept record as it was (import
               the rate first); invalid_event, too_late, too_far_in_future: only when the contract in
               force now accepts the event. The processor's dedup keeps a repeated replay from counting twice
    --reason   required, comma-separated: ${REPLAYABLE_REASONS.join(', ')}
    --from     dead letters written at or after: RFC 3339, epoch ms, or a duration back (default: the oldest)
    --to       written before, the same form (default: now)
    --dry-run  produce nothing; report what would be replayed and skipped

  dlq uses KAFKA_BROKERS, else the local broker of \`adpulse start\` (started for the command when it is down).

  With embedded chDB (no CLICKHOUSE_URL) backtest, rebuild and rates open ADPULSE_CHDB_PATH themselves,
  and chDB allows one process per data directory: stop a running \`adpulse start\` first, or use a
  ClickHouse server (or, for rates, ADPULSE_RATES_FILE, which the running processor imports when it changes).`

async function main(argv: string[]): Promise<number> {
  const [command, ...flags] = argv
  if (command === 'backtest') {
    return backtestCommand(flags, { stdout: process.stdout, stderr: process.stderr })
  }
  if (command === 'rebuild') {
    return rebuildCommand(flags, { stdout: process.stdout, stderr: process.stderr })
  }
  if (command === 'dlq' && !flags.includes('--help')) {
    return dlqCommand(flags, {
      stdout: process.stdout,
      stderr: process.stderr,
      until: flags.includes('--follow') ? interrupted() : undefined,
    })
  }
  if (command === 'rates' && !flags.includes('--help')) {
    return ratesCommand(flags, { stdout: process.stdout, stderr: process.stderr })
  }
  const startFlags = command === 'start' ? parseStartFlags(flags) : undefined
  if (startFlags !== undefined) return startCommand(startFlags)
  const asked = command === 'help' || argv.includes('--help')
  console.error(asked || command === undefined ? USAGE : `unknown arguments: ${argv.join(' ')}\n\n${USAGE}`)
  return asked ? 0 : 2
}

/** Settles at the first SIGINT or SIGTERM (`dlq tail --follow` then stops and exits 0). */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (err: unknown) => {
    createLogger('adpulse').fatal({ err }, 'adpulse failed')
    process.exit(1)
  },
)
