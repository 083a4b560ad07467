import type { CompareOp, Condition } from './conditions.ts'
import type { Rule } from './rule-config.ts'

/** Actions that contradict each other on the same entity, with a pair of conditions that exclude each other. */
const OPPOSITES = [
  ['CUT', 'SCALE', 'roi < 0 and roi > 1'],
  ['PAUSE_AD', 'PROMOTE_AD', 'ctr_lift < 0 and ctr_lift > 0'],
] as const

/**
 * Pairs of a CUT and a SCALE rule (or a PAUSE_AD and a PROMOTE_AD rule) that
 * could fire on the same entity at the same time. Two rules are safe only when
 * they never judge the same entity (scope or filters disjoint), or when their
 * `when` conditions provably exclude each other: on the same window, every way
 * both could hold bounds some KPI from both sides with an empty range (e.g.
 * roi < 0 and roi > 1). Anything the check cannot prove is reported.
 */
export function findConflicts(rules: readonly Rule[]): string[] {
  const conflicts: string[] = []
  for (const [down, up, example] of OPPOSITES) {
    for (const cut of rules.filter((r) => r.action === down)) {
      for (const scale of rules.filter((r) => r.action === up)) {
        if (!(cut.scope === scale.scope || cut.scope === 'both' || scale.scope === 'both')) continue
        if (!overlap(cut.channels, scale.channels) || !overlap(cut.campaigns, scale.campaigns)) continue
        if (cut.windowMs === scale.windowMs && exclusive(cut.when, scale.when)) continue
        conflicts.push(
          `rules ${JSON.stringify(cut.name)} (${down}) and ${JSON.stringify(scale.name)} (${up}) could order both on the same entity at once: ` +
            `give them disjoint filters or scopes, or "when" conditions on the same window that exclude each other (such as ${example})`,
        )
      }
    }
  }
  return conflicts
}

const overlap = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === 0 || b.length === 0 || a.some((item) => b.includes(item))

type Comparison = Extract<Condition, { kind: 'compare' }>
const MAX_TERMS = 256

/** The condition as an OR of ANDs of comparisons; undefined when that would be too large to check. */
function disjunctiveForm(condition: Condition): Comparison[][] | undefined {
  if (condition.kind === 'compare') return [[condition]]
  const parts = condition.terms.map(disjunctiveForm)
  if (parts.some((p) => p === undefined)) return undefined
  const forms = parts as Comparison[][][]
  if (condition.kind === 'or') return forms.flat()
  let product: Comparison[][] = [[]]
  for (const form of forms) {
    product = product.flatMap((left) => form.map((right) => [...left, ...right]))
    if (product.length > MAX_TERMS) return undefined
  }
  return product
}

function exclusive(a: Condition, b: Condition): boolean {
  const left = disjunctiveForm(a)
  const right = disjunctiveForm(b)
  if (!left || !right) return false
  return left.every((x) => right.every((y) => contradictory([...x, ...y])))
}

interface Bound {
  value: number
  strict: boolean
}

/** True when the comparisons bound some KPI to an empty range. */
function contradictory(comparisons: Comparison[]): boolean {
  const lower = new Map<string, Bound>()
  const upper = new Map<string, Bound>()
  for (const bound of comparisons.map(asBound)) {
    if (!bound) continue
    const table = bound.side === 'lower' ? lower : upper
    const current = table.get(bound.name)
    const tighter =
      !current ||
      (bound.side === 'lower' ? bound.value > current.value : bound.value < current.value) ||
      (bound.value === current.value && bound.strict)
    if (tighter) table.set(bound.name, { value: bound.value, strict: bound.strict })
  }
  for (const [name, low] of lower) {
    const high = upper.get(name)
    if (high && (low.value > high.value || (low.value === high.value && (low.strict || high.strict))))
      return true
  }
  return false
}

/** `name op number` (either way round, through a non-zero factor) as a bound on name; else undefined. */
function asBound(
  c: Comparison,
): { name: string; side: 'lower' | 'upper'; value: number; strict: boolean } | undefined {
  let name: string
  let factor: number
  let value: number
  let op: CompareOp = c.op
  if (c.left.kind === 'name' && c.right.kind === 'number') {
    ;({ name, factor } = c.left)
    value = c.right.value
  } else if (c.left.kind === 'number' && c.right.kind === 'name') {
    ;({ name, factor } = c.right)
    value = c.left.value
    op = FLIP[op]
  } else return undefined
  if (factor === 0) return undefined
  if (factor < 0) op = FLIP[op]
  const strict = op === '<' || op === '>'
  return { name, side: op === '>' || op === '>=' ? 'lower' : 'upper', value: value / factor, strict }
}

const FLIP: Record<CompareOp, CompareOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' }
