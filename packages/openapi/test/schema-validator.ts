import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { JsonSchema, Method, OpenApiDocument } from '../src/openapi-types.ts'

/** Where the document's component schemas are registered with Ajv. */
const COMPONENTS_ID = 'urn:adpulse:openapi:components'

/** The document's `#/components/schemas/X` references, pointed at the schemas registered with Ajv. */
function retarget(schema: JsonSchema): JsonSchema {
  return JSON.parse(
    JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${COMPONENTS_ID}#/$defs/`),
  ) as JsonSchema
}

export interface DocumentValidator {
  /** null when the value follows the schema (a schema of the document: its references resolve), else Ajv's errors. */
  errors(schema: JsonSchema, value: unknown): string | null
}

/**
 * A JSON Schema 2020-12 validator (Ajv2020, strict, with ajv-formats) for the
 * schemas of an OpenAPI 3.1 document, its component schemas registered once.
 */
export function documentValidator(doc: OpenApiDocument): DocumentValidator {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true })
  addFormats.default(ajv)
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: retarget(doc.components.schemas) })
  const compiled = new Map<string, ValidateFunction>()
  return {
    errors(schema, value) {
      const key = JSON.stringify(schema)
      let validate = compiled.get(key)
      if (validate === undefined) {
        validate = ajv.compile(retarget(schema))
        compiled.set(key, validate)
      }
      return validate(value) ? null : ajv.errorsText(validate.errors as ErrorObject[], { separator: '; ' })
    },
  }
}

/** The media type of a Content-Type header, without its parameters. */
export const mediaTypeOf = (contentType: string | null): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''

/**
 * The documented schema of an answer: its path template, method, status and
 * media type; undefined when the document does not describe it.
 */
export function responseSchema(
  doc: OpenApiDocument,
  path: string,
  method: Method,
  status: number,
  mediaType: string,
): JsonSchema | undefined {
  return doc.paths[path]?.[method]?.responses[String(status)]?.content?.[mediaType]?.schema
}
