export * from './roi-rule.ts'
