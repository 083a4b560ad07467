import { loadConfig } from '@adpulse/config'
import { createEventCodec } from '@adpulse/events'
import { createKafkaClient, type KafkaClient } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import { type RunningProcess, runProcess } from '@adpulse/runtime'
import {
  aRawEvent,
  type DedicatedBroker,
  pollUntil,
  startDedicatedBroker,
  testEnvironment,
  uniqueName,
} from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachIngest } from './service.ts'

/**
 * Kafka goes away and comes back, for real: a broker of this test's own is
 * stopped under a running ingest, then started again. Ingest never answers 202
 * for what the broker did not acknowledge, answers 503 with Retry-After within
 * its request timeout, turns unready, and recovers without a restart.
 */

const KEY = 'backpressure-key-0001'
const REQUEST_TIMEOUT_MS = 2000
/** Far above the request timeout: an answer later than this means ingest hung on the broker. */
const HANG_MS = 15_000
// kafkajs logs every refused connection while the broker is down, as it should; this test expects them.
const logger = createLogger('backpressure-it', { level: 'fatal' })

describe('ingest when Kafka is down', () => {
  const id = uniqueName('bp')
  let broker: DedicatedBroker
  let running: RunningProcess
  let base = ''

  beforeAll(async () => {
    broker = await startDedicatedBroker()
    const config = loadConfig(
      testEnvironment(id, {
        KAFKA_BROKERS: broker.brokers.join(','),
        ADPULSE_INGEST_KEYS: `bp:${KEY}`,
        ADPULSE_INGEST_REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_MS}ms`,
        KAFKA_PRODUCE_RETRIES: '2',
        LOG_LEVEL: 'error',
      }),
    )
    running = await runProcess({
      name: 'ingest',
      config,
      logger,
      services: [attachIngest],
      withClickHouse: false,
    })
    base = `http://127.0.0.1:${running.address.port}`
  })
  afterAll(async () => {
    await running?.stop()
    await broker?.cleanup()
  })

  let n = 0
  const post = async () => {
    const response = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify([aRawEvent({ event_id: `bp-${n++}`, campaign_id: 'c1' }, Date.now())]),
      signal: AbortSignal.timeout(HANG_MS),
    })
    return { status: response.status, retryAfter: response.headers.get('retry-after'), id: `bp-${n - 1}` }
  }

  it('accepts while the broker is up', async () => {
    expect((await post()).status).toBe(202)
    expect((await fetch(`${base}/readyz`)).status).toBe(200)
  })

  it('answers 503 with Retry-After (never 202) while the broker is down, and turns unready', async () => {
    await broker.stop()
    const answers = [
      await post(),
      ...(await Promise.all(Array.from({ length: 8 }, () => post()))),
      await post(),
      await post(),
    ]
    for (const answer of answers) {
      expect(answer.status).toBe(503)
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1)
    }
    const ready = await pollUntil(
      async () => {
        const response = await fetch(`${base}/readyz`)
        return {
          status: response.status,
          body: (await response.json()) as { checks: Record<string, string> },
        }
      },
      (r) => r.status === 503,
      { what: '/readyz 503 with the broker down', timeoutMs: 30_000 },
    )
    expect(ready.body.checks.kafka).not.toBe('ok')
  })

  it('recovers without a restart when the broker is back, and what it acknowledges is on the topic', async () => {
    await broker.start()
    const accepted = await pollUntil(
      () => post(),
      (answer) => answer.status === 202,
      { what: 'a 202 after the broker restarted', timeoutMs: 90_000, intervalMs: 500 },
    )
    await pollUntil(
      () => fetch(`${base}/readyz`).then((r) => r.status),
      (status) => status === 200,
      { what: '/readyz 200 again', timeoutMs: 30_000 },
    )

    const seen: string[] = []
    const codec = createEventCodec()
    const kafka: KafkaClient = createKafkaClient({
      brokers: broker.brokers,
      clientId: `${id}-reader`,
      logger,
    })
    try {
      await kafka.consume({
        groupId: `${id}-reader`,
        topics: [`${id}.events`],
        fromBeginning: true,
        onBatch: async (batch) => {
          for (const m of batch.messages) if (m.value) seen.push(codec.decode(m.value).event_id)
        },
      })
      await pollUntil(
        async () => seen,
        (ids) => ids.includes('bp-0') && ids.includes(accepted.id),
        { what: 'the acknowledged events on the topic after the restart', timeoutMs: 60_000 },
      )
    } finally {
      await kafka.close()
    }
  })
})
