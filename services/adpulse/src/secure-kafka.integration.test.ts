import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ConfigError, loadConfig } from '@adpulse/config'
import { attachIngest } from '@adpulse/ingest'
import { createKafkaClient, type IncomingMessage } from '@adpulse/kafka'
import { createLogger } from '@adpulse/observability'
import { attachProcessor } from '@adpulse/processor'
import { type RunningProcess, runProcess } from '@adpulse/runtime'
import {
  aRawEvent,
  pollUntil,
  type SecureBroker,
  startSecureBroker,
  testEnvironment,
  uniqueName,
} from '@adpulse/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * adpulse against a broker of this file's own whose only client listener is
 * SASL_SSL with mutual TLS (packages/testkit/src/secure-broker.ts: certificates
 * made by the test, the SCRAM user created by Kafka's storage tool): the real
 * ingest producer and processor consumer with the right credentials, and the
 * refusals with wrong ones, each naming the setting to fix.
 */

const logger = createLogger('secure-kafka-it', { level: 'silent' })
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const INGEST_KEY = 'secure-kafka-key-0001'

describe('adpulse on a SASL_SSL broker', () => {
  let broker: SecureBroker
  beforeAll(async () => {
    broker = await startSecureBroker()
  })
  afterAll(async () => {
    await broker?.cleanup()
  })

  /** The settings of a managed Kafka with SCRAM-SHA-512 and mutual TLS; overrides change one. */
  const secureEnvironment = (id: string, overrides: Record<string, string> = {}) =>
    testEnvironment(id, {
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: broker.scram.username,
      KAFKA_SASL_PASSWORD: broker.scram.password,
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: broker.files.ca,
      KAFKA_TLS_CERT_FILE: broker.files.clientCert,
      KAFKA_TLS_KEY_FILE: broker.files.clientKey,
      ADPULSE_INGEST_KEYS: `secure:${INGEST_KEY}`,
      ...overrides,
    })
  const post = (running: RunningProcess, events: unknown[]) =>
    fetch(`http://127.0.0.1:${running.address.port}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    })
  /** The problems a start is refused with (it must be refused). */
  const refusalOf = async (env: Record<string, string>): Promise<readonly string[]> => {
    const started = runProcess({
      name: 'ingest',
      config: loadConfig(env),
      logger,
      services: [attachIngest],
      withClickHouse: false,
    })
    const err = await started.then(
      async (running) => {
        await running.stop()
        throw new Error('adpulse started although it should have refused')
      },
      (err: unknown) => err,
    )
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }

  it('produces with the ingest producer and consumes with the processor, SCRAM-SHA-512 over mutual TLS', async () => {
    const id = uniqueName('secure')
    const config = loadConfig(secureEnvironment(id))
    const running = await runProcess({
      name: 'adpulse',
      config,
      logger,
      services: [attachIngest, attachProcessor],
      withClickHouse: true,
    })
    try {
      const response = await post(running, [aRawEvent({ event_id: 'secure-1', campaign_id: id }, Date.now())])
      expect(response.status).toBe(202)
      const client = running.context.clickhouse?.client
      if (!client) throw new Error('the process has no ClickHouse')
      const rows = await pollUntil(
        async () => {
          const result = await client.query({
            query: `SELECT event_id FROM ${config.clickhouse.database}.events_raw WHERE campaign_id = {id:String}`,
            query_params: { id },
            format: 'JSONEachRow',
          })
          return result.json<{ event_id: string }>()
        },
        (found) => found.length > 0,
        { what: 'the event, through Kafka, in events_raw' },
      )
      expect(rows).toEqual([{ event_id: 'secure-1' }])
    } finally {
      await running.context.clickhouse?.client.command({
        query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}`,
      })
      await running.stop()
    }
  })

  it('produces and reads back with PLAIN over TLS', async () => {
    const id = uniqueName('secure_plain')
    const plain = {
      KAFKA_SASL_MECHANISM: 'PLAIN',
      KAFKA_SASL_USERNAME: broker.plain.username,
      KAFKA_SASL_PASSWORD: broker.plain.password,
    }
    const config = loadConfig(secureEnvironment(id, plain))
    const running = await runProcess({
      name: 'ingest',
      config,
      logger,
      services: [attachIngest],
      withClickHouse: false,
    })
    const reader = createKafkaClient({
      brokers: broker.brokers,
      clientId: id,
      logger,
      security: config.kafka.security,
    })
    try {
      const response = await post(running, [aRawEvent({ event_id: 'plain-1', campaign_id: id }, Date.now())])
      expect(response.status).toBe(202)
      const read: IncomingMessage[] = []
      const topic = await reader.readTopic({
        topic: config.kafka.topics.events,
        onMessages: (_partition, messages) => void read.push(...messages),
      })
      await topic.finished
      expect(read.map((message) => message.key?.toString())).toEqual([id])
    } finally {
      await reader.close()
      await running.stop()
    }
  })

  it('refuses to start with a wrong password, naming the SASL settings', async () => {
    const problems = await refusalOf(
      secureEnvironment(uniqueName('secure_wrong'), { KAFKA_SASL_PASSWORD: 'wrong' }),
    )
    expect(problems).toEqual([
      expect.stringMatching(
        /^Kafka refused the SASL credentials \(KAFKA_SASL_USERNAME \/ KAFKA_SASL_PASSWORD, mechanism SCRAM-SHA-512, KAFKA_SASL_MECHANISM\): /,
      ),
    ])
  })

  it('refuses to start when the broker’s certificate does not chain to the CA, naming KAFKA_TLS_CA_FILE', async () => {
    const problems = await refusalOf(
      secureEnvironment(uniqueName('secure_ca'), { KAFKA_TLS_CA_FILE: broker.files.otherCa }),
    )
    expect(problems).toEqual([
      `TLS: certificate of ${broker.brokers[0]} not trusted (KAFKA_TLS_CA_FILE=${broker.files.otherCa}): unable to verify the first certificate`,
    ])
  })

  it('refuses to start without the client certificate the broker requires, naming KAFKA_TLS_CERT_FILE', async () => {
    const env = secureEnvironment(uniqueName('secure_mtls'))
    delete env.KAFKA_TLS_CERT_FILE
    delete env.KAFKA_TLS_KEY_FILE
    const problems = await refusalOf(env)
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^TLS: ${broker.brokers[0]} refused the handshake.*\\(KAFKA_TLS_CERT_FILE unset, KAFKA_TLS_KEY_FILE\\)`,
        ),
      ),
    ])
  })

  it('`adpulse start` with a wrong password exits 1 with the message on its log, no stack trace', async () => {
    const chdb = await mkdtemp(join(tmpdir(), 'adpulse-secure-cli-'))
    // The run's broker and chDB must not leak in from the parent: the command gets the secure broker only.
    const { KAFKA_BROKERS: _broker, ADPULSE_CHDB_PATH: _chdb, ...inherited } = process.env
    const env = {
      ...inherited,
      ...secureEnvironment(uniqueName('secure_cli'), {
        KAFKA_SASL_PASSWORD: 'wrong',
        ADPULSE_CHDB_PATH: chdb,
      }),
    }
    try {
      const exited = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'services/adpulse/src/cli.ts', 'start'],
        { cwd: ROOT, env },
      ).then(
        () => ({ code: 0, stdout: '' }),
        (err: { code: number; stdout: string }) => err,
      )
      expect(exited.code).toBe(1)
      const lines = exited.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; problems?: string[]; err?: unknown })
      expect(lines.filter((line) => line.level === 60)).toEqual([
        expect.objectContaining({
          problems: [expect.stringMatching(/^Kafka refused the SASL credentials \(KAFKA_SASL_USERNAME/)],
        }),
      ])
      expect(lines.some((line) => line.err !== undefined)).toBe(false)
    } finally {
      await rm(chdb, { recursive: true, force: true })
    }
  })
})
