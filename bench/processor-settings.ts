import type { Batching } from '@adpulse/processor'

/**
 * The processor settings one `pnpm bench:processor` measures side by side in
 * each run (BENCH_SETTINGS, comma-separated): `fetch/slice[/total]`, the
 * compressed bytes fetched per partition, the records per insert, and
 * optionally the bytes of one fetch over all partitions, with k/m suffixes
 * (`256k/10k`, `1m/65k/1m`). `default` is the processor as it ships.
 */
export interface BenchSetting {
  name: string
  batching?: Partial<Batching>
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 }
const RECORD_UNITS: Record<string, number> = { '': 1, k: 1000 }

function amount(text: string, units: Record<string, number>, what: string): number {
  const match = /^(\d+(?:\.\d+)?)([a-z]?)$/i.exec(text.trim())
  const unit = match ? units[(match[2] ?? '').toLowerCase()] : undefined
  if (!match || unit === undefined) throw new Error(`BENCH_SETTINGS: ${what} "${text}" is not a number`)
  return Math.round(Number(match[1]) * unit)
}

export function parseSettings(text: string | undefined): BenchSetting[] {
  if (!text?.trim()) return [{ name: 'default' }]
  return text.split(',').map((entry) => {
    const name = entry.trim()
    if (name === 'default') return { name }
    const [fetch, slice, total] = name.split('/')
    if (!fetch || !slice) throw new Error(`BENCH_SETTINGS: "${name}" is not fetch/slice[/total]`)
    return {
      name,
      batching: {
        fetchBytesPerPartition: amount(fetch, UNITS, 'fetch'),
        sliceRecords: amount(slice, RECORD_UNITS, 'slice'),
        ...(total ? { fetchBytes: amount(total, UNITS, 'total') } : {}),
      },
    }
  })
}
