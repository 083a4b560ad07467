import { runServiceMain } from '@adpulse/runtime'
import { attachIngest } from './service.ts'

// Standalone ingest. With embedded ClickHouse, run the all-in-one entry instead (one chDB data directory per process).
await runServiceMain({ name: 'ingest', services: [attachIngest], withClickHouse: false })
