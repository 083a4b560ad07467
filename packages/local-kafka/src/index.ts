export * from './local-kafka.ts'
