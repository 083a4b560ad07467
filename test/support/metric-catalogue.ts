import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './dashboards.ts'

export interface CataloguedMetric {
  name: string
  type: string
  labels: string[]
}

/**
 * The metric catalogue of docs/metrics.md: every table row whose first cell is
 * a backticked `adpulse_*` name, with its type and backticked label names.
 */
export function readMetricCatalogue(): CataloguedMetric[] {
  const text = readFileSync(join(REPO_ROOT, 'docs/metrics.md'), 'utf8')
  const rows: CataloguedMetric[] = []
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    const name = /^`(adpulse_[a-z0-9_]+)`$/.exec(cells[1] ?? '')?.[1]
    if (!name) continue
    const labels = [...(cells[3] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1] ?? '')
    rows.push({ name, type: cells[2] ?? '', labels: labels.sort() })
  }
  return rows
}

export interface ExposedFamily {
  name: string
  type: string
  labels: Set<string>
  /** Every sample line (a histogram's buckets, sum and count each count). */
  series: number
  /** Distinct values seen per label. */
  values: Map<string, Set<string>>
  samples: Array<{ labels: Record<string, string>; value: number }>
}

/** Reads the Prometheus text exposition format into metric families. */
export function parseExposition(text: string): Map<string, ExposedFamily> {
  const families = new Map<string, ExposedFamily>()
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type?.[1] && type[2]) {
      const [, name, kind] = type
      families.set(name, { name, type: kind, labels: new Set(), series: 0, values: new Map(), samples: [] })
      continue
    }
    if (line === '' || line.startsWith('#')) continue
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line)
    if (!sample?.[1]) continue
    const family =
      families.get(sample[1]) ?? families.get(sample[1].replace(/_(bucket|sum|count|total|created)$/, ''))
    if (!family) continue
    const labels = labelsOf(sample[2] ?? '')
    family.series++
    family.samples.push({ labels, value: Number(sample[3]) })
    for (const [label, value] of Object.entries(labels)) {
      // Histogram and summary buckets are not labels of the family.
      if (label === 'le' || label === 'quantile') continue
      family.labels.add(label)
      const seen = family.values.get(label) ?? new Set<string>()
      seen.add(value)
      family.values.set(label, seen)
    }
  }
  return families
}

function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const [, label, value] of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    if (label) labels[label] = value ?? ''
  }
  return labels
}
