const MICROS_PER_UNIT = 1_000_000n

/** Micros as units with all six decimals, exactly: -1234567n → "-1.234567". */
export function formatMicros(micros: bigint): string {
  const sign = micros < 0n ? '-' : ''
  const abs = micros < 0n ? -micros : micros
  const fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, '0')
  return `${sign}${abs / MICROS_PER_UNIT}.${fraction}`
}

/**
 * `pct` percent (sign ignored) of `micros`, in whole micros. Bigint division
 * truncates, so a share is never more than the exact figure and rounds toward
 * zero, as CPS pricing does; totals are sums of the truncated shares, so they
 * equal the sum of the rows printed.
 */
export function percentOfMicros(micros: bigint, pct: number): bigint {
  if (!Number.isInteger(pct)) throw new RangeError(`percentOfMicros: expected an integer percent, got ${pct}`)
  return (micros * BigInt(Math.abs(pct))) / 100n
}
