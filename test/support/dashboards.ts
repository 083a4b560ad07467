import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const DASHBOARD_DIR = join(REPO_ROOT, 'deploy/grafana/dashboards')

export interface DatasourceRef {
  type?: string
  uid?: string
}

export interface Target {
  refId: string
  expr?: string
  datasource?: DatasourceRef
}

export interface Panel {
  id: number
  type: string
  title?: string
  description?: string
  datasource?: DatasourceRef
  fieldConfig?: { defaults?: { unit?: string } }
  targets?: Target[]
}

export interface Variable {
  name: string
  type: string
  query?: string | { query: string }
  datasource?: DatasourceRef
  allValue?: string
  includeAll?: boolean
  current?: { value?: string | string[] }
}

export interface Dashboard {
  file: string
  uid: string
  title: string
  panels: Panel[]
  templating?: { list: Variable[] }
}

export function loadDashboards(): Dashboard[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) }) as Dashboard)
}

export interface PanelQuery {
  /** dashboard file / panel title / refId, for failure messages. */
  where: string
  expr: string
}

/** Every PromQL expression of every panel, with Grafana's variables replaced as Grafana would. */
export function dashboardQueries(dashboard: Dashboard, builtins: Record<string, string>): PanelQuery[] {
  const values = { ...variableValues(dashboard), ...builtins }
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `${dashboard.file} / ${panel.title} / ${target.refId}`,
      expr: substitute(target.expr ?? '', values),
    })),
  )
}

/** The value each dashboard variable takes by default: "All" is its allValue regex, a custom one its current value. */
function variableValues(dashboard: Dashboard): Record<string, string> {
  const values: Record<string, string> = {}
  for (const variable of dashboard.templating?.list ?? []) {
    const current = variable.current?.value
    const first = Array.isArray(current) ? current[0] : current
    values[variable.name] =
      first === '$__all' || first === undefined ? (variable.allValue ?? '.*') : String(first)
  }
  return values
}

/** Replaces `$name` and `${name}`, longest names first so `$__range` never eats `$__range_s`. */
export function substitute(expr: string, values: Record<string, string>): string {
  let out = expr
  for (const name of Object.keys(values).sort((a, b) => b.length - a.length)) {
    const value = values[name] ?? ''
    out = out.split(`\${${name}}`).join(value).split(`$${name}`).join(value)
  }
  return out
}
