export * from './registry-client.ts'
export * from './schema-catalog.ts'
export * from './schema-routes.ts'
export * from './schema-subjects.ts'
