export * from './convert-event.ts'
export * from './cost.ts'
export * from './currency.ts'
export * from './pricing-model.ts'
