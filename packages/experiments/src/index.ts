export * from './creative-test.ts'
export * from './log-gamma.ts'
export * from './probability-best.ts'
export * from './rate-sequence.ts'
