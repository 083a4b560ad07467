export * from './derived-kpis.ts'
export * from './durations.ts'
export * from './minute-buckets.ts'
export * from './windows.ts'
