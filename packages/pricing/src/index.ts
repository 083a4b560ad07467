export * from './cost.ts'
export * from './pricing-model.ts'
