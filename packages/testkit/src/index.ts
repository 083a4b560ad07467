export * from './poll.ts'
export * from './test-env.ts'
