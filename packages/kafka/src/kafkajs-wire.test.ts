import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

/**
 * kafkajs 2.2.4 runs with a patch of its per-message hot path
 * (patches/kafkajs@2.2.4.patch: record encoding, varints, murmur2, grouping
 * per partition). The bytes on the wire must not move by one bit, so this
 * encodes varied records, record batches, produce requests, murmur2 hashes and
 * partition groupings with the installed kafkajs and compares them with
 * vectors that the unpatched kafkajs 2.2.4 wrote (kafkajs-wire.vectors.json).
 * To write them again, delete that file and run this test once with the patch
 * removed (it writes the file and fails, so a patched run never passes on
 * vectors of its own making).
 */

const require = createRequire(import.meta.url)
type Encoded = { buffer: Buffer }
type Headers = Record<string, string | Buffer | Array<string | Buffer> | null>
interface RecordInput {
  offsetDelta?: number
  timestampDelta?: number | string | bigint
  key?: string | Buffer | null | number
  value?: string | Buffer | null
  headers?: Headers
}
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: RecordInput) => Encoded
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (options: Record<string, unknown>) => Promise<Encoded>
}
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request') as (
  options: Record<string, unknown>,
) => { encode(): Promise<Encoded> }
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: unknown) => number
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition') as (
  options: Record<string, unknown>,
) => Record<string, unknown[]>
const Long = require('kafkajs/src/utils/long') as { fromValue(v: unknown): unknown }
const { Partitioners } = require('kafkajs') as {
  Partitioners: { DefaultPartitioner: () => (o: Record<string, unknown>) => number }
}

const VECTORS = new URL('./kafkajs-wire.vectors.json', import.meta.url)
const NOW = 1_764_000_000_123

/** A small deterministic generator (xorshift32), so the random cases are the same on every run. */
function generator(seed: number) {
  let state = seed
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
  const int = (below: number) => Math.floor(next() * below)
  const text = (max: number) =>
    Array.from({ length: int(max + 1) }, () =>
      int(8) === 0 ? String.fromCodePoint(0xa0 + int(0x2000)) : String.fromCharCode(0x20 + int(95)),
    ).join('')
  const bytes = (max: number) => Buffer.from(Array.from({ length: int(max + 1) }, () => int(256)))
  return { int, text, bytes, next }
}

const DELTAS = [
  0,
  1,
  -1,
  2,
  63,
  64,
  -64,
  -65,
  127,
  128,
  8191,
  8192,
  2 ** 20,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32,
  1e12,
  -1e12,
  NOW,
  -NOW,
  2 ** 50,
  -(2 ** 50),
  2 ** 51,
  2 ** 52,
  -(2 ** 52),
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  2 ** 60,
  -(2 ** 62),
  Number.NaN,
  '1234567',
  '-99',
  2n ** 40n,
  -(2n ** 61n),
]

/** Hand-picked records: varint edges of both deltas, every kind of key, value and header. */
function namedRecords(): RecordInput[] {
  const values = [Buffer.from('avro-frame'), Buffer.alloc(0), null, 'a string value', Buffer.alloc(20_000, 7)]
  const keys = [
    'campaign-17',
    '',
    null,
    undefined,
    Buffer.from([0, 255, 1]),
    'kampanj-åäö-🚀',
    'k'.repeat(300),
  ]
  const headers: Array<Headers | undefined> = [
    undefined,
    {},
    { 'x-error': 'decode failed' },
    { bin: Buffer.from([1, 2, 3]), multi: ['a', 'bé'], empty: '' },
  ]
  const records: RecordInput[] = DELTAS.map((timestampDelta, i) => ({
    timestampDelta: timestampDelta as RecordInput['timestampDelta'],
    offsetDelta: i,
    key: keys[i % keys.length],
    value: values[i % values.length],
  }))
  for (const offsetDelta of [0, 63, 64, 499, 8192, 2 ** 21, 2 ** 30])
    records.push({ offsetDelta, timestampDelta: 5, key: 'k', value: Buffer.from('v') })
  for (const [i, key] of keys.entries())
    records.push({ key, value: values[i % values.length], headers: headers[i % headers.length] })
  records.push({ key: 'defaults only' })
  return records
}

function randomRecords(count: number): RecordInput[] {
  const g = generator(0x5eed)
  return Array.from({ length: count }, (_, i) => {
    const headers: Headers = {}
    for (let h = g.int(3); h > 0; h--) headers[g.text(12)] = g.int(2) === 0 ? g.text(40) : g.bytes(40)
    const pick = g.int(10)
    const timestampDelta =
      pick < 6
        ? g.int(5_000)
        : pick < 8
          ? -g.int(5_000)
          : Math.round((g.next() - 0.5) * 2 ** (10 + g.int(53)))
    return {
      offsetDelta: i,
      timestampDelta,
      key: g.int(10) === 0 ? null : g.text(40),
      value: g.int(20) === 0 ? null : g.bytes(400),
      headers: g.int(3) === 0 ? headers : undefined,
    }
  })
}

/** Inputs the unpatched kafkajs rejects: the patch must reject them too. */
const REJECTED: RecordInput[] = [
  { key: 5, value: Buffer.from('numeric key') },
  { key: 'k', value: Buffer.from('v'), headers: { nullish: null } },
  { key: 'k', value: Buffer.from('v'), timestampDelta: 1.5 },
]

const hex = (e: Encoded) => e.buffer.toString('hex')
const digest = (parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex')
/** Short encodings as they are (a diff shows the byte), long ones as a digest (the file stays small). */
const shown = (h: string) => (h.length <= 200 ? h : `sha256:${digest([h])}`)

function murmurKeys(): unknown[] {
  const g = generator(0xbeef)
  const keys: unknown[] = [
    '',
    'a',
    'ab',
    'abc',
    'abcd',
    'abcde',
    'campaign-17',
    'kampanj-åäö-🚀',
    'k'.repeat(301),
  ]
  keys.push(Buffer.from([0xff, 0xfe, 0x80, 0x7f, 0]), 12_345)
  for (let i = 0; i < 3000; i++) keys.push(i % 3 === 0 ? g.bytes(70) : g.text(70))
  return keys
}

function groupings() {
  const partitionMetadata = [0, 1, 2, 3, 4].map((partitionId) => ({
    partitionId,
    leader: partitionId === 3 ? -1 : 1,
  }))
  const g = generator(0xcafe)
  const messages = Array.from({ length: 2000 }, (_, i) =>
    i % 97 === 0 ? { key: null, value: `v${i}`, partition: g.int(5) } : { key: g.text(30), value: `v${i}` },
  )
  const partitioner = Partitioners.DefaultPartitioner()
  const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner })
  const empty = groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner })
  return {
    keys: Object.keys(grouped),
    sizes: Object.values(grouped).map((list) => list.length),
    order: digest(
      Object.values(grouped).map((list) => list.map((m) => (m as { value: string }).value).join(',')),
    ),
    empty,
  }
}

async function produceRequests(): Promise<string[]> {
  const g = generator(0xf00d)
  const messages = (n: number, timestamps: boolean) =>
    Array.from({ length: n }, (_, i) => ({
      key: i % 11 === 0 ? null : `campaign-${g.int(80)}`,
      value: g.bytes(300),
      timestamp: timestamps ? String(NOW - 50_000 + g.int(100_000)) : undefined,
      headers: i % 13 === 0 ? { 'x-error': 'dlq' } : undefined,
    }))
  const topicData = [
    {
      topic: 'adpulse.events',
      partitions: [
        { partition: 0, firstSequence: 0, messages: messages(500, false) },
        { partition: 2, firstSequence: 2 ** 31 - 10, messages: messages(37, true) },
      ],
    },
    {
      topic: 'adpulse.events.dlq',
      partitions: [{ partition: 1, firstSequence: 7, messages: messages(3, false) }],
    },
  ]
  const options = { acks: -1, timeout: 30_000, producerId: Long.fromValue(4242), producerEpoch: 3, topicData }
  const plain = await produceV3({ ...options, compression: 0 }).encode()
  const transactional = await produceV3({ ...options, compression: 0, transactionalId: 'tx-1' }).encode()
  const batch = await RecordBatch({
    records: messages(5, true).map((m, i) =>
      Record({ ...m, offsetDelta: i, timestampDelta: i * 1000 - 2000 }),
    ),
    firstTimestamp: NOW,
    maxTimestamp: NOW + 5,
    lastOffsetDelta: 4,
  })
  return [hex(plain), hex(transactional), hex(batch)]
}

async function encodeAll() {
  const rejected = REJECTED.map((input) => {
    try {
      Record(input)
      return 'accepted'
    } catch (err) {
      return `${(err as Error).name}: ${(err as Error).message}`
    }
  })
  const keys = murmurKeys()
  return {
    records: namedRecords().map((r) => shown(hex(Record(r)))),
    randomRecords: digest(randomRecords(3000).map((r) => hex(Record(r)))),
    rejected,
    murmur2: keys.slice(0, 11).map(murmur2),
    randomMurmur2: digest(keys.slice(11).map((k) => String(murmur2(k)))),
    groupings: groupings(),
    produce: (await produceRequests()).map((h) => digest([h])),
  }
}

describe('kafkajs wire format (patched hot path, byte for byte as 2.2.4)', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
  })
  afterAll(() => vi.useRealTimers())

  it('encodes records, batches, produce requests, hashes and groupings as unpatched kafkajs did', async () => {
    const actual = await encodeAll()
    if (!existsSync(VECTORS)) {
      writeFileSync(VECTORS, `${JSON.stringify(actual, null, 1)}\n`)
      expect.fail(`wrote ${VECTORS.pathname}: check that kafkajs was unpatched, then run again`)
    }
    const expected = JSON.parse(readFileSync(VECTORS, 'utf8')) as typeof actual
    expect(actual.records).toEqual(expected.records)
    expect(actual.randomRecords).toBe(expected.randomRecords)
    expect(actual.rejected).toEqual(expected.rejected)
    expect(actual.murmur2).toEqual(expected.murmur2)
    expect(actual.randomMurmur2).toBe(expected.randomMurmur2)
    expect(actual.groupings).toEqual(expected.groupings)
    expect(actual.produce).toEqual(expected.produce)
  })
})
