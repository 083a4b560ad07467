export * from './all-in-one.ts'
export * from './backtest.ts'
export * from './demo-traffic.ts'
