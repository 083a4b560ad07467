export * from './errors.ts'
export * from './kafka-client.ts'
export * from './produce-batcher.ts'
export * from './producer.ts'
