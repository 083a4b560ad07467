export * from './derived-kpis.ts'
export * from './minute-buckets.ts'
export * from './windows.ts'
