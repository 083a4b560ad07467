/** Flags of a CLI command: values by flag, and the switches given. */
export interface Flags {
  values: Map<string, string>
  switches: Set<string>
}

/**
 * Reads `--flag value`, `--flag=value` and bare `--switch` arguments. Every
 * error names its flag, so a command can print it as is and exit 2.
 */
export function readFlags(
  argv: readonly string[],
  valueFlags: ReadonlySet<string>,
  switchFlags: ReadonlySet<string> = new Set(),
): { ok: true; flags: Flags } | { ok: false; error: string } {
  const values = new Map<string, string>()
  const switches = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    if (switchFlags.has(flag) && eq < 0) {
      switches.add(flag)
      continue
    }
    if (!valueFlags.has(flag)) return { ok: false, error: `unknown argument ${JSON.stringify(arg)}` }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      return { ok: false, error: `${flag}: expected a value` }
    }
    if (values.has(flag)) return { ok: false, error: `${flag}: given twice` }
    values.set(flag, value)
  }
  return { ok: true, flags: { values, switches } }
}
