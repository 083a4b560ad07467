export * from './all-in-one.ts'
export * from './demo-traffic.ts'
