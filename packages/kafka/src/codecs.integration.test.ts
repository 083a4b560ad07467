import { pino } from 'pino'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { COMPRESSIONS } from './codecs.ts'
import type { IncomingMessage } from './consumer.ts'
import { createKafkaClient } from './kafka-client.ts'

/** Each KAFKA_COMPRESSION value through the run's real broker: written by our producer, read back by our reader. */
describe('record batch codecs on a broker', () => {
  const logger = pino({ level: 'silent' })
  const client = createKafkaClient({ brokers: [inject('kafkaBrokers')], clientId: 'codecs-test', logger })
  afterAll(() => client.close())

  it.each(COMPRESSIONS)('%s: every record comes back as it was sent', async (compression) => {
    const topic = `codecs-${compression}-${Date.now().toString(36)}`
    await client.ensureTopics([{ topic, partitions: 1, replicationFactor: 1 }])
    const producer = await client.createProducer({ compression, retries: 2 })
    const sent = Array.from({ length: 300 }, (_, i) => ({
      key: `k-${i % 7}`,
      value: Buffer.from(JSON.stringify({ event_id: `e-${i}`, campaign_id: `c-${i % 7}` })),
    }))
    await producer.send(topic, sent)
    await producer.disconnect()
    const received: IncomingMessage[] = []
    const reader = await client.readTopic({
      topic,
      onMessages: (_, messages) => void received.push(...messages),
    })
    await reader.finished
    expect(received.map((m) => m.value?.toString())).toEqual(sent.map((m) => m.value.toString()))
  })
})
