import { describe, expect, it } from 'vitest'
import { KafkaAdapterError } from './errors.ts'
import { ProduceBatcher, type ProduceBatcherOptions } from './produce-batcher.ts'
import type { Producer, TopicMessages } from './producer.ts'

/** A producer whose calls stay pending until the test answers them. */
function gatedProducer() {
  const calls: Array<{ batch: TopicMessages[]; ack(): void; fail(err: Error): void }> = []
  const producer: Producer = {
    send: () => Promise.reject(new Error('not used')),
    sendBatch: (batch) =>
      new Promise<void>((resolve, reject) => calls.push({ batch, ack: resolve, fail: reject })),
    disconnect: async () => undefined,
  }
  return { producer, calls }
}

const records = (topic: string, ...values: string[]): TopicMessages[] => [
  { topic, messages: values.map((v) => ({ key: 'k', value: Buffer.from(v) })) },
]
const valuesOf = (batch: TopicMessages[]) =>
  batch.map((part) => [part.topic, part.messages.map((m) => m.value.toString())])
const options: ProduceBatcherOptions = { lingerMs: 0, maxBatchBytes: 1000, maxBufferedBytes: 10_000 }
/** Lets timers of 0 ms and immediates run. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('ProduceBatcher', () => {
  it('coalesces concurrent submissions into one produce call, merged per topic in order', async () => {
    const { producer, calls } = gatedProducer()
    const batcher = new ProduceBatcher(producer, options)
    const a = batcher.submit([...records('events', 'a1', 'a2'), ...records('dlq', 'x')], 5000)
    const b = batcher.submit(records('events', 'b1'), 5000)
    await tick()
    expect(calls).toHaveLength(1)
    expect(valuesOf(calls[0]?.batch ?? [])).toEqual([
      ['events', ['a1', 'a2', 'b1']],
      ['dlq', ['x']],
    ])
    calls[0]?.ack()
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined])
    expect(batcher.bufferedBytes).toBe(0)
  })

  it('queues while a call is in flight and sends the queue in the next call', async () => {
    const { producer, calls } = gatedProducer()
    const batcher = new ProduceBatcher(producer, options)
    const first = batcher.submit(records('t', 'one'), 5000)
    await tick()
    const second = batcher.submit(records('t', 'two'), 5000)
    const third = batcher.submit(records('t', 'three'), 5000)
    await tick()
    expect(calls).toHaveLength(1)
    calls[0]?.ack()
    await first
    await tick()
    expect(calls).toHaveLength(2)
    expect(valuesOf(calls[1]?.batch ?? [])).toEqual([['t', ['two', 'three']]])
    calls[1]?.ack()
    await Promise.all([second, third])
  })

  it('fails every submission of a failed call, and only those', async () => {
    const { producer, calls } = gatedProducer()
    const batcher = new ProduceBatcher(producer, options)
    const a = batcher.submit(records('t', 'a'), 5000)
    const b = batcher.submit(records('t', 'b'), 5000)
    await tick()
    const c = batcher.submit(records('t', 'c'), 5000)
    calls[0]?.fail(new KafkaAdapterError('PRODUCE_FAILED', 'broker down', true))
    await expect(a).rejects.toMatchObject({ code: 'PRODUCE_FAILED' })
    await expect(b).rejects.toMatchObject({ code: 'PRODUCE_FAILED' })
    await tick()
    calls[1]?.ack()
    await expect(c).resolves.toBeUndefined()
  })

  it('splits a submission larger than a call and resolves it only when every part is acknowledged', async () => {
    const { producer, calls } = gatedProducer()
    const batcher = new ProduceBatcher(producer, { ...options, maxBatchBytes: 9 })
    let done = false
    const big = batcher.submit(records('t', 'aaaa', 'bbbb', 'cccc'), 5000).then(() => {
      done = true
    })
    await tick()
    expect(valuesOf(calls[0]?.batch ?? [])).toEqual([['t', ['aaaa']]])
    calls[0]?.ack()
    await tick()
    expect(done).toBe(false)
    expect(valuesOf(calls[1]?.batch ?? [])).toEqual([['t', ['bbbb']]])
    calls[1]?.ack()
    await tick()
    expect(done).toBe(false)
    calls[2]?.ack()
    await big
    expect(done).toBe(true)
  })

  it('fails a split submission when a later part fails: no silent half success', async () => {
    const { producer, calls } = gatedProducer()
    const batcher = new ProduceBatcher(producer, { ...options, maxBatchBytes: 9 })
    const big = batcher.submit(records('t', 'aaaa', 'bbbb'), 5000)
    await tick()
    calls[0]?.ack()
    await tick()
    calls[1]?.fail(new Error('leader gone'))
    await expect(big).rejects.toThrow('leader gone')
  })

  it('refuses a submission beyond the buffer at once, with BUFFER_FULL', async () => {
    const { producer, calls } = gatedProducer()
    const batcher = new ProduceBatcher(producer, { ...options, maxBufferedBytes: 10 })
    const first = batcher.submit(records('t', 'aaaaaa'), 5000)
    await expect(batcher.submit(records('t', 'bbbbbb'), 5000)).rejects.toMatchObject({
      code: 'BUFFER_FULL',
      retriable: true,
    })
    expect(batcher.bufferedBytes).toBe(7)
    await tick()
    calls[0]?.ack()
    await first
    expect(batcher.bufferedBytes).toBe(0)
  })

  it('times out a queued submission without ever sending it', async () => {
    const { producer, calls } = gatedProducer()
    const batcher = new ProduceBatcher(producer, options)
    const first = batcher.submit(records('t', 'first'), 5000)
    await tick()
    const late = batcher.submit(records('t', 'late'), 1)
    await expect(late).rejects.toMatchObject({ code: 'PRODUCE_TIMEOUT' })
    calls[0]?.ack()
    await first
    await tick()
    expect(calls).toHaveLength(1)
    expect(batcher.bufferedBytes).toBe(0)
  })

  it('times out a submission in flight, and keeps its bytes counted until the call returns', async () => {
    const { producer, calls } = gatedProducer()
    const batcher = new ProduceBatcher(producer, options)
    const slow = batcher.submit(records('t', 'slow'), 20)
    await tick()
    await expect(slow).rejects.toMatchObject({ code: 'PRODUCE_TIMEOUT' })
    expect(batcher.bufferedBytes).toBe(5)
    calls[0]?.ack()
    await batcher.drain()
    expect(batcher.bufferedBytes).toBe(0)
  })

  it('resolves an empty submission at once and reports every call to onSend', async () => {
    const sent: Array<{ messages: number; ok: boolean }> = []
    const { producer, calls } = gatedProducer()
    const batcher = new ProduceBatcher(producer, { ...options, onSend: (s) => sent.push(s) })
    await batcher.submit([{ topic: 't', messages: [] }], 5000)
    expect(calls).toHaveLength(0)
    const one = batcher.submit(records('t', 'a', 'b'), 5000)
    await tick()
    calls[0]?.ack()
    await one
    expect(sent).toEqual([expect.objectContaining({ messages: 2, bytes: 4, ok: true })])
  })
})
