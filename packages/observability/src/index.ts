export * from './bounded-label.ts'
export * from './dead-letters.ts'
export * from './logger.ts'
export * from './metrics.ts'
