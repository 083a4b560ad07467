export * from './ingest-routes.ts'
export * from './parse-body.ts'
export * from './prepare-batch.ts'
export * from './service.ts'
