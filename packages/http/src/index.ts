export * from './bearer-keys.ts'
export * from './http-server.ts'
export * from './route-list.ts'
