import { type AdEvent, createEventCodec, type DeadLetterFacts, deadLetterRecord } from '@adpulse/events'
import { createKafkaClient, type KafkaClient, type OutgoingMessage, type Producer } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import { pollUntil, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { dlqCommand } from './dlq-command.ts'

/**
 * `adpulse dlq tail` and `replay` on the real broker: dead letters of every
 * stage written to a dead-letter topic of the test's own, read back with
 * filters, and the recoverable ones replayed to the events topic byte for byte.
 */
const logger = createLogger('dlq-it', { level: 'silent' })
const codec = createEventCodec()
const DAY = 86_400_000
const NOW = Date.now()

const event = (id: string, over: Partial<AdEvent> = {}): AdEvent => ({
  event_id: id,
  type: 'click',
  occurred_at: NOW - 60_000,
  channel: 'search',
  campaign_id: `campaign-${id}`,
  ad_id: null,
  click_id: null,
  cost_micros: 1_000_000n,
  value_micros: null,
  action: null,
  currency: 'GBP',
  user_id: null,
  source: 'it',
  received_at: NOW - 30_000,
  ...over,
})

function setup(prefix: string) {
  const id = uniqueName(prefix)
  const env = testEnvironment(id, { ADPULSE_EVENTS_PARTITIONS: '2' })
  const topics = { events: `${id}.events`, dlq: `${id}.events.dlq` }
  let kafka: KafkaClient
  let producer: Producer
  return {
    env,
    topics,
    async open() {
      kafka = createKafkaClient({ brokers: inject('kafkaBrokers').split(','), clientId: id, logger })
      await kafka.ensureTopics(
        [topics.events, topics.dlq].map((topic) => ({ topic, partitions: 2, replicationFactor: 1 })),
      )
      producer = await kafka.createProducer()
    },
    async close() {
      await producer?.disconnect()
      await kafka?.close()
    },
    /** Writes dead letters as the stages do: JSON, keyed by source (ingest) or topic/partition (processor). */
    writeLetters(letters: Array<DeadLetterFacts | Buffer>) {
      return producer.send(
        topics.dlq,
        letters.map((letter) =>
          Buffer.isBuffer(letter)
            ? { key: 'someone-else', value: letter }
            : {
                key:
                  letter.stage === 'ingest' ? String(letter.source) : `${topics.events}/${letter.partition}`,
                value: Buffer.from(JSON.stringify(deadLetterRecord(letter))),
              },
        ),
      )
    },
    /** Records on the events topic: the high watermarks' sum, and the records read by a group of the test's own. */
    async eventsTopic(expected: number): Promise<OutgoingMessage[]> {
      const seen: OutgoingMessage[] = []
      const consumer = await kafka.consume({
        groupId: uniqueName(`${id}-check`),
        topics: [topics.events],
        fromBeginning: true,
        onBatch: async (batch) => {
          for (const m of batch.messages) seen.push({ key: String(m.key), value: m.value ?? Buffer.alloc(0) })
        },
      })
      try {
        await pollUntil(
          async () => seen.length,
          (n) => n >= expected,
          { what: `${expected} records on the events topic` },
        )
      } finally {
        await consumer.stop()
      }
      return seen
    },
    async eventsWritten(): Promise<bigint> {
      const progress = await kafka.groupProgress(uniqueName('nobody'), topics.events)
      return progress.reduce((sum, p) => sum + p.highWatermark, 0n)
    },
  }
}

async function run(argv: string[], env: Record<string, string>) {
  let stdout = ''
  let stderr = ''
  const code = await dlqCommand(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  })
  return { code, stdout, stderr }
}

describe('adpulse dlq', () => {
  const t = setup('dlq')
  beforeAll(() => t.open())
  afterAll(() => t.close())

  const rateless = [event('m1'), event('m2', { campaign_id: 'other', occurred_at: NOW - 2 * DAY })]
  const rateBytes = rateless.map((e) => codec.encode(e))
  const lateBytes = codec.encode(event('p-late', { occurred_at: NOW - 30 * DAY, received_at: NOW - 60_000 }))
  const lateInput = {
    event_id: 'i-late',
    type: 'click',
    occurred_at: NOW - 8 * DAY,
    channel: 'search',
    campaign_id: 'c9',
  }
  let between = 0

  it('tail prints the dead letters since a time, by reason, for a person or as JSON lines', async () => {
    await t.writeLetters([
      {
        reason: 'unparsable_line',
        stage: 'ingest',
        source: 'early',
        receivedAt: NOW - 5000,
        index: 0,
        errors: [{ field: '', expected: 'a JSON object', got: 'not JSON' }],
        input: '{oops',
      },
    ])
    // Dead letters written after `between` (the broker's timestamps are the producer's clock: wait for it to tick).
    between = Date.now() + 1
    await pollUntil(
      async () => Date.now(),
      (now) => now > between,
      { what: 'the clock to pass `between`' },
    )
    await t.writeLetters([
      ...rateless.map((e, i) => ({
        reason: 'missing_rate' as const,
        stage: 'processor' as const,
        source: e.source,
        receivedAt: e.received_at,
        eventId: e.event_id,
        detail: `no GBP rate for ${new Date(e.occurred_at).toISOString().slice(0, 10)} (the UTC day of occurred_at) in currency_rates`,
        topic: t.topics.events,
        partition: i,
        offset: String(10 + i),
        value_base64: (rateBytes[i] as Buffer).toString('base64'),
      })),
      {
        reason: 'too_late',
        stage: 'processor',
        source: 'it',
        eventId: 'p-late',
        detail: 'occurred_at: too late',
        topic: t.topics.events,
        partition: 0,
        offset: '12',
        value_base64: lateBytes.toString('base64'),
      },
      {
        reason: 'too_late',
        stage: 'ingest',
        source: 'web',
        receivedAt: NOW,
        eventId: 'i-late',
        index: 1,
        errors: [{ field: 'occurred_at', expected: 'an event time within the allowed lateness', got: 'x' }],
        input: lateInput,
      },
      {
        reason: 'poison_record',
        stage: 'processor',
        detail: 'not a framed Avro record (missing magic byte)',
        topic: t.topics.events,
        partition: 1,
        offset: '13',
        value_base64: Buffer.from('junk').toString('base64'),
      },
      Buffer.from('not a dead letter'),
    ])

    const all = await run(['tail', '--since', '1h'], t.env)
    expect(all.stderr).toBe(`7 dead letters on ${t.topics.dlq}\n`)
    expect(all.code).toBe(0)
    const heads = all.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('    '))
    expect(heads.map((line) => line.split('  ')[1]).sort()).toEqual([
      'missing_rate',
      'missing_rate',
      'poison_record',
      'too_late',
      'too_late',
      'unparsable_line',
      'unreadable',
    ])
    expect(all.stdout).toContain(
      `missing_rate  processor  source=it  event_id=m1  received_at=${new Date(NOW - 30_000).toISOString()}  from=${t.topics.events}/0@10\n` +
        `    no GBP rate for ${new Date(NOW - 60_000).toISOString().slice(0, 10)} (the UTC day of occurred_at) in currency_rates\n`,
    )

    const missing = await run(
      ['tail', '--reason', 'missing_rate', '--since', String(NOW - 3_600_000), '--json'],
      t.env,
    )
    expect(missing.code).toBe(0)
    const lines = missing.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.map((l) => l.event_id).sort()).toEqual(['m1', 'm2'])
    for (const line of lines) {
      expect(line).toMatchObject({
        reason: 'missing_rate',
        stage: 'processor',
        dlq_offset: expect.stringMatching(/^\d+$/),
      })
      expect(Date.parse(line.dead_lettered_at)).toBeGreaterThanOrEqual(between)
    }

    const since = await run(
      ['tail', '--since', new Date(between).toISOString(), '--reason', 'unparsable_line,too_late'],
      t.env,
    )
    expect(since.stdout.split('\n').filter((l) => l.includes('  too_late  ')).length).toBe(2)
    expect(since.stdout).not.toContain('unparsable_line')
    expect(since.stderr).toBe(`2 dead letters on ${t.topics.dlq}\n`)

    const none = await run(['tail', '--since', '0s', '--reason', 'poison_record'], t.env)
    expect(none).toEqual({ code: 0, stdout: '', stderr: `0 dead letters on ${t.topics.dlq}\n` })
  })

  it('replay --dry-run reports what it would do and produces nothing', async () => {
    const dry = await run(['replay', '--reason', 'missing_rate,too_late', '--dry-run'], t.env)
    expect(dry).toEqual({
      code: 0,
      stdout:
        `would replay 2 dead letters to ${t.topics.events} (missing_rate 2); dry run: nothing produced\n` +
        'would skip 2:\n  too_late: 2 still refused by the contract in force (too_late)\n',
      stderr: '',
    })
    expect(await t.eventsWritten()).toBe(0n)
  })

  it('replay --reason missing_rate sends the kept records back byte for byte, keyed by campaign_id', async () => {
    const replayed = await run(
      ['replay', '--reason', 'missing_rate', '--from', new Date(between).toISOString()],
      t.env,
    )
    expect(replayed).toEqual({
      code: 0,
      stdout: `replayed 2 dead letters to ${t.topics.events} (missing_rate 2)\nskipped 0\n`,
      stderr: '',
    })
    const records = await t.eventsTopic(2)
    expect(await t.eventsWritten()).toBe(2n)
    const byKey = new Map(records.map((r) => [r.key, r.value]))
    expect(byKey.get('campaign-m1')?.equals(rateBytes[0] as Buffer)).toBe(true)
    expect(byKey.get('other')?.equals(rateBytes[1] as Buffer)).toBe(true)
  })

  it('replay --reason too_late sends the late events once the contract accepts them, and only those', async () => {
    const env = { ...t.env, ADPULSE_ALLOWED_LATENESS: '9d' }
    const replayed = await run(['replay', '--reason', 'too_late'], env)
    expect(replayed).toEqual({
      code: 0,
      stdout:
        `replayed 1 dead letter to ${t.topics.events} (too_late 1)\n` +
        'skipped 1:\n  too_late: 1 still refused by the contract in force (too_late)\n',
      stderr: '',
    })
    const records = await t.eventsTopic(3)
    expect(await t.eventsWritten()).toBe(3n)
    const late = records.find((r) => r.key === 'c9')
    expect(late && codec.decode(late.value)).toMatchObject({
      event_id: 'i-late',
      campaign_id: 'c9',
      source: 'web',
      occurred_at: NOW - 8 * DAY,
      received_at: NOW,
      currency: 'USD',
    })
  })

  it('refuses an unknown or unreplayable reason with exit 2 and the list', async () => {
    const unknown = await run(['replay', '--reason', 'lost'], t.env)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain(
      'expected one or more of missing_rate, invalid_event, too_late, too_far_in_future',
    )
    expect((await run(['replay', '--reason', 'poison_record'], t.env)).code).toBe(2)
    expect(await t.eventsWritten()).toBe(3n)
  })

  it('tail --follow prints dead letters as they arrive, and stops when interrupted', async () => {
    let stdout = ''
    let interrupt: () => void = () => undefined
    const until = new Promise<void>((resolve) => {
      interrupt = resolve
    })
    const tail = dlqCommand(['tail', '--follow', '--since', '0s', '--reason', 'missing_rate', '--json'], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env: t.env,
      until,
    })
    // Written until the follower shows one: it may join the topic after the first write.
    await pollUntil(
      async () => {
        await t.writeLetters([
          {
            reason: 'missing_rate',
            stage: 'processor',
            eventId: 'live',
            topic: t.topics.events,
            partition: 0,
            offset: '99',
            value_base64: null,
          },
        ])
        return stdout
      },
      (seen) => seen.includes('"event_id":"live"'),
      { what: 'the followed dead letter', intervalMs: 1000 },
    )
    interrupt()
    expect(await tail).toBe(0)
    expect(stdout).not.toContain('"event_id":"m1"')
  })

  it('says when the dead-letter topic does not exist', async () => {
    const missing = await run(['tail'], { ...t.env, ADPULSE_TOPIC_DLQ: uniqueName('absent') })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(
      /^adpulse dlq tail: no topic absent_\S+ on .*the pipeline creates its topics/,
    )
  })
})
