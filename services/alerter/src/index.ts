export * from './alerter.ts'
export * from './evaluate.ts'
export * from './service.ts'
export * from './signal-routes.ts'
