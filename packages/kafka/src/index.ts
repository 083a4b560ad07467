export * from './errors.ts'
export * from './kafka-client.ts'
