export * from './alerter.ts'
export * from './rules-file.ts'
export * from './service.ts'
export * from './signal-routes.ts'
