export * from './cost.ts'
export * from './currency.ts'
export * from './pricing-model.ts'
