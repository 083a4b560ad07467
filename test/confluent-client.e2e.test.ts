import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startAllInOne } from '@adpulse/adpulse'
import type { SignalStore } from '@adpulse/clickhouse'
import { type AdpulseConfig, loadConfig } from '@adpulse/config'
import { SCHEMA_HISTORY, type Signal } from '@adpulse/events'
import { createLogger } from '@adpulse/observability'
import { pollUntil, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { PRICING } from './support/reference-pricing.ts'

/**
 * A downstream team's view of adpulse: Confluent's own Python client
 * (confluent-kafka's DeserializingConsumer and AvroDeserializer, its
 * SchemaRegistryClient pointed at adpulse's base URL) decodes the events and
 * signals topics of a running pipeline without any adpulse code.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** The virtual environment .ci/run creates; ADPULSE_TEST_PYTHON names another interpreter. */
const PYTHON = process.env.ADPULSE_TEST_PYTHON ?? join(ROOT, '.local/venv/bin/python')
const HOW_TO_INSTALL =
  'python3.11 -m venv .local/venv && .local/venv/bin/pip install -r test/python/requirements.txt'
const SCRIPT = join(ROOT, 'test/python/decode_topics.py')
const API_KEY = 'downstream-secret-key'
const SOURCE = 'downstream'
const RULES = `
rules:
  - name: cut-unprofitable
    window: 24h
    action: CUT
    when: roi < 0
    exit: roi > 0.2
    min_evidence: { spend_micros: 9000000, clicks: 5 }
`

/**
 * display, CPM, as in pipeline.e2e.test.ts: loses, so one CUT. The conversion
 * comes first and the costly click last: no partial view reaches the evidence
 * minimum before the whole market is in, so the one signal is the final one.
 */
function market(now: number) {
  const at = now - 60_000
  const events: Array<Record<string, unknown>> = [
    { type: 'conversion', action: 'purchase', value_micros: 2_000_000 },
    ...Array.from({ length: 5 }, () => ({ type: 'click' })),
    ...Array.from({ length: 2000 }, () => ({ type: 'impression' })),
    { type: 'click', cost_micros: 71_500_000 },
  ]
  return events.map((e, i) => ({
    event_id: `dn-${i}`,
    occurred_at: at,
    channel: 'display',
    campaign_id: 'd1',
    ...e,
  }))
}

interface Decoded {
  kind: 'registry' | 'record'
  topic?: string
  value?: Record<string, unknown>
  subjects?: string[]
  versions?: Record<string, number[]>
  latest?: Record<string, { version: number; id: number }>
  first?: Record<string, number>
}

describe('a Confluent client decodes adpulse topics through adpulse as its schema registry', () => {
  const id = uniqueName('downstream')
  const now = Date.now()
  const events = market(now)
  let config: AdpulseConfig
  let signalStore: SignalStore | undefined
  let stop: (() => Promise<void>) | undefined
  let base = ''
  let workdir = ''

  beforeAll(async () => {
    if (!existsSync(PYTHON)) {
      throw new Error(`no Python with confluent-kafka at ${PYTHON}: create it with \`${HOW_TO_INSTALL}\``)
    }
    workdir = await mkdtemp(join(tmpdir(), 'adpulse-downstream-'))
    await writeFile(join(workdir, 'pricing.json'), JSON.stringify(PRICING))
    await writeFile(join(workdir, 'rules.yaml'), RULES)
    config = loadConfig(
      testEnvironment(id, {
        ADPULSE_INGEST_KEYS: `${SOURCE}:${API_KEY}`,
        ADPULSE_PRICING_FILE: join(workdir, 'pricing.json'),
        ADPULSE_RULES_FILE: join(workdir, 'rules.yaml'),
        ADPULSE_ALERTER_INTERVAL: '500ms',
        ADPULSE_PROGRESS_INTERVAL: '200ms',
      }),
    )
    const running = await startAllInOne(config, createLogger('downstream-e2e', { level: 'warn' }))
    stop = running.stop
    signalStore = running.context.clickhouse?.signals
    base = `http://127.0.0.1:${running.address.port}`
  })

  afterAll(async () => {
    await stop?.()
    if (workdir) await rm(workdir, { recursive: true, force: true })
  })

  it('decodes every event as sent and the signal as the signal store holds it', async () => {
    const response = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    })
    expect(await response.json()).toEqual({ accepted: events.length, rejected: [] })
    const [stored] = await pollUntil(
      async () => (await signalStore?.recent(10)) ?? [],
      (signals) => signals.length > 0,
      { what: 'the CUT of display in the signal store', timeoutMs: 90_000 },
    )

    const { topics } = config.kafka
    const lines = await decodeWithPython([`${topics.signals}:1`, `${topics.events}:${events.length}`])

    const [registry] = lines.filter((l) => l.kind === 'registry')
    const subjects = {
      events: `${topics.events}-value`,
      signals: `${topics.signals}-value`,
      audiences: `${topics.audiences}-value`,
    }
    expect(registry?.subjects).toEqual([subjects.audiences, subjects.events, subjects.signals])
    for (const topic of ['events', 'signals', 'audiences'] as const) {
      const history = SCHEMA_HISTORY[topic]
      expect(registry?.versions?.[subjects[topic]]).toEqual(history.map((_, i) => i + 1))
      expect(registry?.latest?.[subjects[topic]]).toEqual({ version: history.length, id: history.at(-1)?.id })
      expect(registry?.first?.[subjects[topic]]).toBe(history[0]?.id)
    }

    const records = lines.filter((l) => l.kind === 'record')
    const signals = records.filter((r) => r.topic === topics.signals).map((r) => r.value)
    expect(stored?.action).toBe('CUT')
    expect(signals).toEqual([comparable(stored as Signal)])

    const decoded = records.filter((r) => r.topic === topics.events).map((r) => r.value ?? {})
    expect(decoded.map((e) => e.event_id).sort()).toEqual(events.map((e) => e.event_id).sort())
    const sent = new Map(events.map((e) => [e.event_id, e]))
    for (const event of decoded) {
      const original = sent.get(String(event.event_id)) ?? {}
      expect(event).toMatchObject({
        ad_id: null,
        click_id: null,
        cost_micros: null,
        value_micros: null,
        action: null,
        user_id: null,
        currency: config.reportingCurrency,
        source: SOURCE,
        received_at: expect.any(Number),
        ...original,
      })
    }
  })

  /** Runs test/python/decode_topics.py against adpulse's base URL and the run's broker; its JSON lines. */
  async function decodeWithPython(topicCounts: string[]): Promise<Decoded[]> {
    const args = [SCRIPT, '--registry', base, '--brokers', inject('kafkaBrokers'), '--group', `${id}-python`]
    for (const spec of topicCounts) args.push('--topic', spec)
    args.push('--timeout-seconds', '90')
    const started = Date.now()
    const { stdout } = await promisify(execFile)(PYTHON, args, { maxBuffer: 64 * 1024 * 1024 })
    console.info(`[downstream] the Python client decoded the topics in ${(Date.now() - started) / 1000} s`)
    return stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Decoded)
  }
})

/** A signal as the Python script prints it: NaN, which JSON lacks, as Python's str of it. */
function comparable(signal: Signal): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(signal).map(([k, v]) => [k, typeof v === 'number' && Number.isNaN(v) ? 'nan' : v]),
  )
}
