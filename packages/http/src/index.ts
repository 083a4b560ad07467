export * from './bearer-keys.ts'
export * from './http-server.ts'
export * from './operational-routes.ts'
export * from './read-key-guard.ts'
