export * from './client.ts'
export * from './kpi-store.ts'
export * from './migrations.ts'
export * from './signal-store.ts'
