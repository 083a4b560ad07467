import type { RunningProcess } from '@adpulse/runtime'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startAllInOne } from './all-in-one.ts'
import { startCommand } from './start-command.ts'

// The seam where the pipeline (and, with KAFKA_BROKERS unset, the local broker) would start.
vi.mock('./all-in-one.ts', () => ({ startAllInOne: vi.fn() }))

const noFlags = { demo: false, dryRun: false }

describe('adpulse start: Kafka in production', () => {
  const signalListeners = () => [...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]
  let listenersBefore: ReturnType<typeof signalListeners>

  beforeEach(() => {
    listenersBefore = signalListeners()
    vi.stubEnv('KAFKA_BROKERS', '')
    vi.stubEnv('ADPULSE_INGEST_KEYS', 'ops:key-aaaaaaaa')
    vi.stubEnv('LOG_LEVEL', 'fatal')
  })

  afterEach(() => {
    vi.unstubAllEnvs()
    vi.mocked(startAllInOne).mockReset()
    // startCommand hands the running pipeline to stopOnSignals: take back only what it added.
    for (const listener of signalListeners().filter((l) => !listenersBefore.includes(l))) {
      process.off('SIGINT', listener)
      process.off('SIGTERM', listener)
    }
  })

  it('stops with a configuration error, starting nothing, when KAFKA_BROKERS is missing', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    expect(await startCommand(noFlags)).toBe(1)
    expect(startAllInOne).not.toHaveBeenCalled()
  })

  it('outside production, starts the pipeline with no brokers: it starts the local one', async () => {
    vi.stubEnv('NODE_ENV', 'development')
    vi.mocked(startAllInOne).mockResolvedValue({
      address: { host: '127.0.0.1', port: 8080 },
      stop: async () => {},
    } as RunningProcess)
    expect(await startCommand(noFlags)).toBe(-1)
    expect(vi.mocked(startAllInOne).mock.calls[0]?.[0].kafka.brokers).toBeUndefined()
  })
})
