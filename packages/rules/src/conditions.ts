import type { Interval } from './intervals.ts'

/**
 * Rule conditions: comparisons of KPIs with numbers, parameters or other KPIs,
 * combined with `and` / `or` and parentheses, e.g.
 *   roi < 0
 *   spend_micros > 2 * cpa_target_micros and conversions >= 3
 *   (ctr < 0.001 or cvr < 0.005) and clicks > 500
 */
export type CompareOp = '<' | '<=' | '>' | '>='

export type Operand = { kind: 'number'; value: number } | { kind: 'name'; name: string; factor: number }

export type Condition =
  | { kind: 'compare'; left: Operand; op: CompareOp; right: Operand }
  | { kind: 'and'; terms: Condition[] }
  | { kind: 'or'; terms: Condition[] }

export type ParseResult = { ok: true; condition: Condition } | { ok: false; error: string }

const TOKEN = /\s*(?:(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([a-z_][a-z0-9_]*)|(<=|>=|<|>|\*|×|\(|\)))/iy

/** The tokens of a condition (numbers, names, operators, parentheses; lower case), or where it stops making sense. */
function tokenize(text: string): { ok: true; tokens: string[] } | { ok: false; error: string } {
  const tokens: string[] = []
  let position = 0
  while (position < text.length) {
    if (text.slice(position).trim() === '') break
    TOKEN.lastIndex = position
    const match = TOKEN.exec(text)
    if (!match)
      return {
        ok: false,
        error: `unexpected ${JSON.stringify(text.slice(position).trim()[0])} at ${position}`,
      }
    tokens.push((match[1] ?? match[2] ?? match[3] ?? '').toLowerCase())
    position = TOKEN.lastIndex
  }
  return { ok: true, tokens }
}

const fail = (message: string): never => {
  throw new SyntaxError(message)
}

/** Recursive descent over the tokens: `or` of `and`s of comparisons or parenthesized conditions. */
class ConditionParser {
  private i = 0

  constructor(
    private readonly tokens: string[],
    private readonly names: ReadonlySet<string>,
  ) {}

  parse(): Condition {
    if (this.tokens.length === 0) fail('empty condition')
    const condition = this.or()
    if (this.i < this.tokens.length) fail(`unexpected ${JSON.stringify(this.tokens[this.i])}`)
    return condition
  }

  private peek = () => this.tokens[this.i]
  private next = () => this.tokens[this.i++]

  private known(name: string): string {
    if (!this.names.has(name))
      fail(`unknown name ${JSON.stringify(name)}; known: ${[...this.names].sort().join(', ')}`)
    return name
  }

  private operand(): Operand {
    const first = this.next() ?? fail('expected a KPI, parameter or number, got the end')
    const isNumber = /^-?\d/.test(first)
    if (this.peek() === '*' || this.peek() === '×') {
      this.next()
      const second = this.next() ?? fail(`expected something after ${first} *`)
      const [num, name] = isNumber ? [first, second] : [second, first]
      if (!/^-?\d/.test(num) || /^-?\d/.test(name))
        fail(`a product must be a number times a name, got ${first} * ${second}`)
      return { kind: 'name', name: this.known(name), factor: Number(num) }
    }
    return isNumber
      ? { kind: 'number', value: Number(first) }
      : { kind: 'name', name: this.known(first), factor: 1 }
  }

  private primary(): Condition {
    if (this.peek() === '(') {
      this.next()
      const inner = this.or()
      if (this.next() !== ')') fail('expected )')
      return inner
    }
    const left = this.operand()
    const op = this.next()
    if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=')
      fail(`expected <, <=, > or >=, got ${op ?? 'the end'}`)
    return { kind: 'compare', left, op: op as CompareOp, right: this.operand() }
  }

  /** Terms joined by the word `kind` (and, or); one term stands alone. */
  private joined(kind: 'and' | 'or', term: () => Condition): Condition {
    const terms = [term()]
    while (this.peek() === kind) {
      this.next()
      terms.push(term())
    }
    return terms.length === 1 ? (terms[0] as Condition) : { kind, terms }
  }

  private and = (): Condition => this.joined('and', () => this.primary())
  private or = (): Condition => this.joined('or', this.and)
}

/** Parses a condition; `names` are the KPIs and parameters it may mention. */
export function parseCondition(text: string, names: ReadonlySet<string>): ParseResult {
  const tokenized = tokenize(text)
  if (!tokenized.ok) return tokenized
  try {
    return { ok: true, condition: new ConditionParser(tokenized.tokens, names).parse() }
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
}

/** A KPI's value as an interval (exact values have lower = upper); null when undefined (e.g. ROI without spend). */
export type Lookup = (name: string) => Interval | null

/**
 * True only when the condition holds for every value in the intervals:
 * `a < b` needs a.upper < b.lower, `a > b` needs a.lower > b.upper. So a
 * comparison on an uncertain KPI holds with the confidence of its interval.
 */
export function holds(condition: Condition, lookup: Lookup): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.terms.every((term) => holds(term, lookup))
    case 'or':
      return condition.terms.some((term) => holds(term, lookup))
    case 'compare': {
      const left = operandInterval(condition.left, lookup)
      const right = operandInterval(condition.right, lookup)
      if (left === null || right === null) return false
      switch (condition.op) {
        case '<':
          return left.upper < right.lower
        case '<=':
          return left.upper <= right.lower
        case '>':
          return left.lower > right.upper
        case '>=':
          return left.lower >= right.upper
      }
    }
  }
}

function operandInterval(operand: Operand, lookup: Lookup): Interval | null {
  if (operand.kind === 'number') return { lower: operand.value, upper: operand.value }
  const interval = lookup(operand.name)
  if (interval === null) return null
  const a = interval.lower * operand.factor
  const b = interval.upper * operand.factor
  return { lower: Math.min(a, b), upper: Math.max(a, b) }
}

/** The names a condition mentions. */
export function namesIn(condition: Condition): string[] {
  if (condition.kind !== 'compare') return condition.terms.flatMap(namesIn)
  return [condition.left, condition.right].flatMap((o) => (o.kind === 'name' ? [o.name] : []))
}
