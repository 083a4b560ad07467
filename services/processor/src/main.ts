import { runServiceMain } from '@adpulse/runtime'
import { attachProcessor } from './service.ts'

// Standalone processor. With embedded ClickHouse, run the all-in-one entry instead (one chDB data directory per process).
await runServiceMain({ name: 'processor', services: [attachProcessor], withClickHouse: true })
