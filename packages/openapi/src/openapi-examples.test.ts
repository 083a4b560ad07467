import { describe, expect, it } from 'vitest'
import { documentValidator } from '../test/schema-validator.ts'
import { OPENAPI_DOCUMENT } from './document.ts'
import type { Examples, JsonSchema, Method, Operation } from './openapi-types.ts'

const doc = OPENAPI_DOCUMENT

/** Something with a schema and examples: a parameter, a header, a body or an answer's media type. */
interface Described {
  where: string
  schema: JsonSchema
  examples: Examples
}

function describedIn(path: string, method: Method, op: Operation): Described[] {
  const at = `${method.toUpperCase()} ${path}`
  const parameters = (op.parameters ?? []).map((p) => ({ where: `${at} parameter ${p.name}`, ...p }))
  const body = Object.entries(op.requestBody?.content ?? {}).map(([type, media]) => ({
    where: `${at} body ${type}`,
    ...media,
  }))
  const answers = Object.entries(op.responses).flatMap(([status, response]) => [
    ...Object.entries(response.content ?? {}).map(([type, media]) => ({
      where: `${at} ${status} ${type}`,
      ...media,
    })),
    ...Object.entries(response.headers ?? {}).map(([name, header]) => ({
      where: `${at} ${status} header ${name}`,
      ...header,
    })),
  ])
  return [...parameters, ...body, ...answers]
}

const described = Object.entries(doc.paths).flatMap(([path, item]) =>
  (Object.entries(item) as Array<[Method, Operation]>).flatMap(([method, op]) =>
    describedIn(path, method, op),
  ),
)

describe('the examples of the OpenAPI document', () => {
  const validator = documentValidator(doc)

  it('are given for every parameter, header, body and answer, each with a schema', () => {
    expect(described.length).toBeGreaterThan(40)
    for (const { where, schema, examples } of described) {
      expect(schema, where).toBeTypeOf('object')
      expect(Object.keys(examples).length, `${where} has an example`).toBeGreaterThan(0)
    }
  })

  it('every answer has a body, except none', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item) as Array<[Method, Operation]>) {
        for (const [status, response] of Object.entries(op.responses)) {
          expect(Object.keys(response.content ?? {}).length, `${method} ${path} ${status}`).toBeGreaterThan(0)
        }
      }
    }
  })

  it.each(described.map((d) => [d.where, d] as const))('validate against their schema: %s', (_where, d) => {
    for (const [name, example] of Object.entries(d.examples)) {
      expect(validator.errors(d.schema, example.value), `example ${name}`).toBeNull()
    }
  })

  it('as do the examples inside the component schemas', () => {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      for (const value of (schema.examples as unknown[] | undefined) ?? []) {
        expect(validator.errors({ $ref: `#/components/schemas/${name}` }, value), name).toBeNull()
      }
    }
  })

  it('a validator that refuses what breaks a schema (so the checks above can fail)', () => {
    const row = { $ref: '#/components/schemas/KpiRow' }
    const example = doc.paths['/v1/kpis']?.get?.responses['200']?.content?.['application/json']?.examples
    const page = example?.by_campaign?.value as { rows: Array<Record<string, unknown>> } | undefined
    const good = page?.rows[0]
    expect(good).toBeDefined()
    expect(validator.errors(row, good)).toBeNull()
    expect(validator.errors(row, { ...good, spend_micros: 240 })).toMatch(/spend_micros/)
    expect(validator.errors(row, { ...good, spend_micros: '-1' })).toMatch(/pattern/)
    expect(validator.errors(row, { ...good, surprise: 1 })).toMatch(/additional/)
    const { engagements: _, ...withoutEngagements } = good as Record<string, unknown>
    expect(validator.errors(row, withoutEngagements)).toMatch(/engagements/)
    expect(validator.errors({ $ref: '#/components/schemas/Instant' }, 'yesterday')).toMatch(/date-time/)
  })
})
