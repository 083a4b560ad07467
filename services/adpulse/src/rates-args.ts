/** `adpulse rates --help`. */
export const RATES_USAGE = `usage: adpulse rates import FILE

Writes exchange rates to the reporting currency (ADPULSE_REPORTING_CURRENCY) into ClickHouse's
currency_rates, replacing days already there. FILE is YAML or JSON of currency →
{ "YYYY-MM-DD": "rate" }, e.g. {"EUR": {"2026-11-22": "1.0842"}}, the value of 1 unit of the
currency on that UTC day (docs/currencies.md). Every problem is listed and nothing is imported
when there is one. Processors use the rates within ADPULSE_RATES_REFRESH (default 60s), at once
for an event that needs one; events without their rate wait on the dead-letter topic (reason
missing_rate) to be replayed.

options:
  -h, --help    this help

With embedded chDB (no CLICKHOUSE_URL) it opens ADPULSE_CHDB_PATH itself, which one process
may hold at a time: stop a running \`adpulse start\` first, use a ClickHouse server, or set
ADPULSE_RATES_FILE, which the running processor imports when it changes.

exit codes: 0 imported; 1 configuration or ClickHouse failed;
            2 bad arguments or a bad file (nothing imported)`

/** `adpulse rates import FILE`: the file, or what is wrong with the arguments. */
export function parseRatesArgs(
  argv: readonly string[],
): { ok: true; file: string } | { ok: false; error: string } {
  const [action, file, ...rest] = argv
  if (action !== 'import' || file === undefined || file.startsWith('-') || rest.length > 0) {
    return { ok: false, error: 'expected `adpulse rates import FILE`' }
  }
  return { ok: true, file }
}
