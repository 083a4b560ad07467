import { runServiceMain } from '@adpulse/runtime'
import { attachAlerter } from './service.ts'

// Standalone alerter. With embedded ClickHouse, run the all-in-one entry instead (one chDB data directory per process).
await runServiceMain({ name: 'alerter', services: [attachAlerter], withClickHouse: true })
