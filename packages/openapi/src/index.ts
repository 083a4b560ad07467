export * from './document.ts'
export * from './openapi-file.ts'
export * from './openapi-route.ts'
export type * from './openapi-types.ts'
