import { createRequire } from 'node:module'
import type { Batch, KafkaMessage } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { incomingMessage, releaseKafkaJsMessages } from './consumer.ts'

/** kafkajs's own Batch class, as its fetch builds it (not exported by its package index). */
const KafkaJsBatch = createRequire(import.meta.url)('kafkajs/src/consumer/batch.js') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: object,
) => Batch

const message = (offset: number, headers: KafkaMessage['headers'] = {}): KafkaMessage =>
  ({
    offset: String(offset),
    key: Buffer.from('k'),
    value: Buffer.from(`v${offset}`),
    timestamp: '1700000000000',
    headers,
    attributes: 0,
  }) as unknown as KafkaMessage

const batchOf = (offsets: number[], fetchedOffset: number, highWatermark: string) =>
  new KafkaJsBatch('t', String(fetchedOffset), {
    partition: 0,
    highWatermark,
    abortedTransactions: [],
    messages: offsets.map((o) => message(o)),
  })

describe('releaseKafkaJsMessages', () => {
  it("drops kafkajs's messages but the last, so what kafkajs resolves after the handler is unchanged", () => {
    // A compressed record batch may start before the fetched offset: kafkajs filters those out.
    const batch = batchOf([3, 4, 5, 6, 7], 5, '100')
    expect(batch.lastOffset()).toBe('7')
    releaseKafkaJsMessages(batch)
    expect(batch.messages.map((m) => m.offset)).toEqual(['7'])
    expect(batch.lastOffset()).toBe('7')
    expect(batch.isEmpty()).toBe(false)
    // Not the high watermark: a batch emptied outright would make kafkajs skip to it.
    expect(batch.lastOffset()).not.toBe('99')
  })

  it('leaves a batch with nothing in range as it was', () => {
    const batch = batchOf([1, 2], 5, '100')
    const before = batch.lastOffset()
    releaseKafkaJsMessages(batch)
    expect(batch.lastOffset()).toBe(before)
  })
})

describe('incomingMessage', () => {
  it('shares one empty headers object between messages without headers, and copies headers as strings', () => {
    const a = incomingMessage(message(1))
    const b = incomingMessage(message(2, undefined))
    expect(a.headers).toEqual({})
    expect(a.headers).toBe(b.headers)
    expect(incomingMessage(message(3, { id: Buffer.from('x'), n: undefined })).headers).toEqual({
      id: 'x',
      n: '',
    })
  })
})
