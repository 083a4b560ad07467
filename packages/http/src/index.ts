export * from './http-server.ts'
export * from './route-list.ts'
