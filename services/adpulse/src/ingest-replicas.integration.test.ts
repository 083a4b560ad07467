import { createHmac } from 'node:crypto'
import { loadConfig } from '@adpulse/config'
import { attachIngest } from '@adpulse/ingest'
import { createLogger } from '@adpulse/observability'
import { attachProcessor } from '@adpulse/processor'
import { type RunningProcess, runProcess } from '@adpulse/runtime'
import { aRawEvent, pollUntil, readHeaders, testEnvironment, uniqueName } from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * Two ingest replicas without affinity and one processor, on the run's real
 * broker and ClickHouse: what docs/scaling.md ("Several ingest instances")
 * promises. The replay memory and the rate-limit buckets are each replica's
 * own, so a signed request replayed to the other replica is accepted there,
 * and a key at its limit on one replica still passes on the other; the
 * processor's event-id dedup keeps every count exact all the same.
 */

const logger = createLogger('ingest-replicas-it', { level: 'silent' })
const SIGNED_KEY = 'replicas-signed-key-0001'
const BUDGET_KEY = 'replicas-budget-key-0002'
/** Events per request at most, and the burst of every key's bucket: one full request empties it. */
const BURST = 10

describe('two ingest replicas in front of one processor', () => {
  const id = uniqueName('replicas')
  const config = loadConfig(
    testEnvironment(id, {
      ADPULSE_INGEST_KEYS: `replicas-signed:${SIGNED_KEY},replicas-budget:${BUDGET_KEY}`,
      ADPULSE_INGEST_MAX_EVENTS: String(BURST),
      ADPULSE_INGEST_RATE_BURST: String(BURST),
      // One event a second: a bucket emptied by the test stays empty while it runs.
      ADPULSE_INGEST_RATE_LIMIT: '1',
      ADPULSE_EVENTS_PARTITIONS: '2',
    }),
  )
  let processor: RunningProcess
  let replicaA: RunningProcess
  let replicaB: RunningProcess

  const baseOf = (running: RunningProcess) => `http://127.0.0.1:${running.address.port}`
  const startIngest = (name: string) =>
    runProcess({ name, config, logger, services: [attachIngest], withClickHouse: false })

  beforeAll(async () => {
    processor = await runProcess({
      name: 'processor',
      config,
      logger,
      services: [attachProcessor],
      withClickHouse: true,
    })
    replicaA = await startIngest('ingest-a')
    replicaB = await startIngest('ingest-b')
  })
  afterAll(async () => {
    await replicaA?.stop()
    await replicaB?.stop()
    await processor?.context.clickhouse?.client.command({
      query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}`,
    })
    await processor?.stop()
  })

  const post = (replica: RunningProcess, key: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${baseOf(replica)}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body,
    })
  const answerOf = async (response: Promise<Response>) => {
    const r = await response
    return [r.status, ((await r.json()) as { error?: string }).error ?? 'accepted']
  }
  /** Signed as a sender does it (README): HMAC-SHA256 of "<timestamp>." and the body, with the key as secret. */
  const signatureHeaders = (key: string, body: string) => {
    const timestamp = Math.floor(Date.now() / 1000)
    const hmac = createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex')
    return { 'x-adpulse-timestamp': String(timestamp), 'x-adpulse-signature': `v1=${hmac}` }
  }
  const clicks = (campaign: string, prefix: string, count: number) =>
    JSON.stringify(
      Array.from({ length: count }, (_, i) =>
        aRawEvent({ event_id: `${prefix}-${i}`, campaign_id: campaign }, Date.now()),
      ),
    )
  const metric = async (running: RunningProcess, name: string) => {
    const text = await (await fetch(`${baseOf(running)}/metrics`)).text()
    return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
  }
  /** Per event_id of a campaign, how many rows events_raw holds. */
  const rowsPerEvent = async (campaign: string) => {
    const client = processor.context.clickhouse?.client
    if (!client) throw new Error('the processor has no ClickHouse')
    const result = await client.query({
      query: `SELECT event_id, toUInt32(count()) AS rows FROM ${config.clickhouse.database}.events_raw
        WHERE campaign_id = {campaign:String} GROUP BY event_id ORDER BY event_id`,
      query_params: { campaign },
      format: 'JSONEachRow',
    })
    return result.json<{ event_id: string; rows: number }>()
  }
  const clicksOf = async (campaign: string) => {
    const response = await fetch(`${baseOf(processor)}/v1/kpis?window=24h&by=campaign`, {
      headers: readHeaders(),
    })
    const answer = (await response.json()) as { rows: { campaign_id: string; clicks: number }[] }
    return answer.rows.find((row) => row.campaign_id === campaign)?.clicks ?? 0
  }

  it('refuses a replay on the replica that took the request, accepts it on the other, and counts it once', async () => {
    const body = clicks('replayed', 'r', 3)
    const signed = signatureHeaders(SIGNED_KEY, body)
    expect(await answerOf(post(replicaA, SIGNED_KEY, body, signed))).toEqual([202, 'accepted'])
    // The same bytes again: replica A remembers the signature...
    expect(await answerOf(post(replicaA, SIGNED_KEY, body, signed))).toEqual([401, 'replayed_request'])
    // ...replica B never saw it, and takes it within the tolerance.
    expect(await answerOf(post(replicaB, SIGNED_KEY, body, signed))).toEqual([202, 'accepted'])

    // The replay's events are repeats of (source, campaign_id, event_id): the processor drops them.
    await pollUntil(
      () => metric(processor, 'adpulse_processor_duplicates_total'),
      (dropped) => dropped >= 3,
      { what: 'the three replayed events dropped as repeats' },
    )
    expect(await metric(processor, 'adpulse_processor_duplicates_total')).toBe(3)
    expect(await rowsPerEvent('replayed')).toEqual([
      { event_id: 'r-0', rows: 1 },
      { event_id: 'r-1', rows: 1 },
      { event_id: 'r-2', rows: 1 },
    ])
    expect(await clicksOf('replayed')).toBe(3)
  })

  it('keeps a rate-limit bucket per replica: a key at its limit on one replica still passes on the other', async () => {
    const full = (replica: RunningProcess, prefix: string) =>
      answerOf(post(replica, BUDGET_KEY, clicks('budget', prefix, BURST)))
    expect(await full(replicaA, 'a')).toEqual([202, 'accepted'])
    expect(await full(replicaA, 'a2')).toEqual([429, 'rate_limited'])
    // Replica B has a full bucket of its own for the same key: the key gets the burst once per replica.
    expect(await full(replicaB, 'b')).toEqual([202, 'accepted'])
    expect(await full(replicaB, 'b2')).toEqual([429, 'rate_limited'])

    // What each replica took is counted, and nothing it refused.
    await pollUntil(
      () => clicksOf('budget'),
      (counted) => counted >= 2 * BURST,
      { what: 'both accepted requests counted' },
    )
    const rows = await rowsPerEvent('budget')
    expect(rows.map((row) => row.event_id).sort()).toEqual(
      [...Array.from({ length: BURST }, (_, i) => [`a-${i}`, `b-${i}`])].flat().sort(),
    )
    expect(rows.every((row) => row.rows === 1)).toBe(true)
  })
})
