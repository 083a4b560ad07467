/**
 * The parts of OpenAPI 3.1 this document uses, typed so a misspelt field is a
 * compile error. Schemas are JSON Schema 2020-12 objects, left open.
 */

export type JsonSchema = { readonly [keyword: string]: unknown }

/** An Example Object: every parameter, body and answer carries at least one. */
export interface Example {
  summary: string
  value: unknown
}

export type Examples = Readonly<Record<string, Example>>

export interface MediaType {
  schema: JsonSchema
  examples: Examples
}

export type Content = Readonly<Record<string, MediaType>>

export interface Parameter {
  name: string
  in: 'query' | 'path' | 'header'
  required?: boolean
  description: string
  schema: JsonSchema
  examples: Examples
}

export interface Header {
  description: string
  schema: JsonSchema
  examples: Examples
}

export interface Response {
  description: string
  headers?: Readonly<Record<string, Header>>
  content?: Content
}

/** A security requirement: `[]` is open, else the schemes any one of which is enough. */
export type Security = ReadonlyArray<Readonly<Record<string, readonly string[]>>>

export interface Operation {
  operationId: string
  summary: string
  description: string
  tags: readonly string[]
  security: Security
  parameters?: readonly Parameter[]
  requestBody?: { description: string; required: boolean; content: Content }
  responses: Readonly<Record<string, Response>>
}

export type Method = 'get' | 'post' | 'delete'
export type PathItem = Partial<Record<Method, Operation>>
export type Paths = Readonly<Record<string, PathItem>>

export interface OpenApiDocument {
  openapi: string
  info: { title: string; version: string; description: string }
  servers: ReadonlyArray<{ url: string; description: string }>
  tags: ReadonlyArray<{ name: string; description: string }>
  paths: Paths
  components: {
    schemas: Readonly<Record<string, JsonSchema>>
    securitySchemes: Readonly<Record<string, JsonSchema>>
  }
}
