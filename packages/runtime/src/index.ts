export * from './connection-refusals.ts'
export * from './repeat.ts'
export * from './run-process.ts'
export * from './service-context.ts'
