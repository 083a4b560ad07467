export * from './registry-client.ts'
export * from './schema-catalog.ts'
