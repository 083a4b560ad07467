import { DEFAULT_CONTRACT } from '@adpulse/events'
import { createLogger } from '@adpulse/observability'
import { describe, expect, it } from 'vitest'
import { click, startTestIngest, TEST_KEY } from '../test/support.ts'
import { createPreparer, type Preparer, WorkersBusy } from './prepare-pool.ts'
import type { RequestBody } from './prepare-request.ts'

/**
 * Memory stays bounded when the workers fall behind: a request whose body
 * the pool will not hold is answered 503 with Retry-After at once, nothing
 * reaches Kafka, and its rate tokens and signature come back for the retry.
 */
describe('ingest when its workers are at capacity', () => {
  it('answers 503 with Retry-After, produces nothing, and takes the retry once they have room', async () => {
    let busy = true
    const inline = createPreparer({
      workers: 0,
      settings: {
        contract: DEFAULT_CONTRACT,
        reportingCurrency: 'USD',
        maxInflatedBytes: 1024 * 1024,
        maxEventsPerRequest: 20,
      },
      schemas: undefined,
      maxPendingBytes: 1024,
      logger: createLogger('workers-busy-test', { level: 'silent' }),
    })
    const preparer: Preparer = {
      prepare: (body: RequestBody) => (busy ? Promise.reject(new WorkersBusy(4096)) : inline.prepare(body)),
      pendingBytes: 0,
      stop: () => inline.stop(),
    }
    const ingest = await startTestIngest(
      { ADPULSE_INGEST_RATE_LIMIT: '10', ADPULSE_INGEST_RATE_BURST: '20', ADPULSE_INGEST_MAX_EVENTS: '20' },
      { preparer },
    )
    try {
      const full = JSON.stringify(Array.from({ length: 20 }, (_, i) => click(`w-${i}`)))
      const post = () =>
        ingest.app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
          payload: full,
        })
      const refused = await post()
      expect(refused.statusCode).toBe(503)
      expect(refused.headers['retry-after']).toBe('1')
      expect(refused.json()).toEqual({
        error: 'unavailable',
        message: 'ingest is at capacity: its workers do not keep up; retry later',
      })
      expect(ingest.producer.sent).toEqual([])
      busy = false
      // The whole burst is still there: the refused request took no tokens.
      expect((await post()).statusCode).toBe(202)
      expect(ingest.producer.messagesOf(ingest.topics.events)).toHaveLength(20)
    } finally {
      await ingest.close()
    }
  })
})
