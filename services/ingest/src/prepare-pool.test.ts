import { gzipSync } from 'node:zlib'
import { DEFAULT_CONTRACT } from '@adpulse/events'
import { createLogger } from '@adpulse/observability'
import { aRawEvent, TEST_NOW } from '@adpulse/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createPreparer, type Preparer, type PreparerOptions, WorkersBusy } from './prepare-pool.ts'
import type { RequestBody } from './prepare-request.ts'

const options: PreparerOptions = {
  workers: 2,
  settings: {
    contract: DEFAULT_CONTRACT,
    reportingCurrency: 'USD',
    maxInflatedBytes: 64 * 1024,
    maxEventsPerRequest: 50,
  },
  schemas: undefined,
  maxPendingBytes: 1024 * 1024,
  logger: createLogger('prepare-pool-test', { level: 'silent' }),
  inlineBelowBytes: 0,
}

const click = (id: string, extra: Record<string, unknown> = {}) =>
  aRawEvent({ event_id: id, ...extra }, TEST_NOW)

const body = (raw: string | Buffer, extra: Partial<RequestBody> = {}): RequestBody => ({
  raw: Buffer.isBuffer(raw) ? raw : Buffer.from(raw),
  format: 'json',
  contentEncoding: undefined,
  source: 'partner-a',
  receivedAt: TEST_NOW,
  ...extra,
})

/** Every kind of answer prepareRequest gives: accepted, per-index rejections, each whole-body refusal. */
const CORPUS: Record<string, RequestBody> = {
  valid: body(
    JSON.stringify([click('a'), click('b', { type: 'conversion', value: '12.5', action: 'lead' })]),
  ),
  'some invalid': body(JSON.stringify([click('a'), { ...click('b'), type: 'view' }, 42, click('c')])),
  'ndjson with a bad line': body(
    `${JSON.stringify(click('a'))}\n{not json\n${JSON.stringify(click('b'))}\n`,
    {
      format: 'ndjson',
    },
  ),
  gzip: body(gzipSync(JSON.stringify([click('g')])), { contentEncoding: 'gzip' }),
  'not gzip': body('plainly not gzip', { contentEncoding: 'gzip' }),
  'not utf-8': body(Buffer.from([0x5b, 0xff, 0xfe, 0x5d])),
  'not json': body('[{"event_id": '),
  'not an array': body(JSON.stringify(click('a'))),
  'too many events': body(JSON.stringify(Array.from({ length: 51 }, (_, i) => click(`e${i}`)))),
  'unsupported encoding': body('[]', { contentEncoding: 'br' }),
  'gzip bomb': body(gzipSync(Buffer.alloc(200 * 1024, 0x20)), { contentEncoding: 'gzip' }),
}

let preparers: Preparer[] = []
const open = (overrides: Partial<PreparerOptions> = {}) => {
  const preparer = createPreparer({ ...options, ...overrides })
  preparers.push(preparer)
  return preparer
}
afterEach(async () => {
  await Promise.all(preparers.map((p) => p.stop()))
  preparers = []
})

describe('prepare pool', () => {
  it('answers every kind of body exactly as the main thread does', async () => {
    const inline = open({ workers: 0 })
    const pool = open()
    for (const [name, request] of Object.entries(CORPUS)) {
      const inWorker = pool.prepare(request)
      // Handed to a worker: its bytes are pending until the worker answers.
      expect(pool.pendingBytes, name).toBeGreaterThan(0)
      const answered = await inWorker
      expect(answered, name).toEqual(await inline.prepare(request))
      expect(pool.pendingBytes, name).toBe(0)
    }
  })

  it('hands back Buffers that kafkajs takes, with the dead letters and their headers', async () => {
    const prepared = await open().prepare(CORPUS['some invalid'] as RequestBody)
    if (!prepared.ok) throw new Error('expected the body to be read')
    expect(prepared.records.map((r) => Buffer.isBuffer(r.value))).toEqual([true, true])
    expect(prepared.deadLetters.map((d) => d.headers)).toEqual([
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json' },
    ])
    expect(prepared.rejected.map((r) => r.index)).toEqual([1, 2])
  })

  it('refuses a body at once while the bodies in the workers are over the bound, and takes it again after', async () => {
    const request = CORPUS.valid as RequestBody
    const pool = open({ maxPendingBytes: request.raw.length + 1 })
    const first = pool.prepare(request)
    // A lone body passes whatever its size; a second one beyond the bound does not wait.
    await expect(pool.prepare(request)).rejects.toBeInstanceOf(WorkersBusy)
    expect((await first).ok).toBe(true)
    expect((await pool.prepare(request)).ok).toBe(true)
  })

  it('reads small bodies on the main thread', async () => {
    const pool = open({ inlineBelowBytes: 1024 * 1024 })
    const answer = pool.prepare(CORPUS.valid as RequestBody)
    expect(pool.pendingBytes).toBe(0)
    expect((await answer).ok).toBe(true)
  })
})
