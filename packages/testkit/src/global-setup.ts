import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureLocalKafka } from '@adpulse/local-kafka'
import type { TestProject } from 'vitest/node'
import { freePortPair } from './ports.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated host:port of the one broker of this test run. */
    kafkaBrokers: string
    /** A ClickHouse server's URL, or '' for embedded chDB. */
    clickhouseUrl: string
    /** Credentials of that server. */
    clickhouseUser: string
    clickhousePassword: string
    /** Data directory for embedded chDB, shared by every test of the run (one per process). */
    chdbPath: string
    /** Which path the harness took, for the log. */
    infrastructure: string
  }
}

/**
 * One broker and one ClickHouse per test run, in this order:
 * endpoints from the environment (KAFKA_BROKERS, CLICKHOUSE_URL); else, when a
 * Docker engine answers, testcontainers; else the project's local broker
 * (deploy/local/kafka.sh, on a free port with a temporary data dir) and embedded chDB.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: Array<() => Promise<void>> = []
  const docker = await dockerAvailable()
  const chdbPath = await mkdtemp(join(tmpdir(), 'adpulse-chdb-'))
  cleanups.push(() => rm(chdbPath, { recursive: true, force: true }))

  let kafkaBrokers = process.env.KAFKA_BROKERS ?? ''
  let kafkaVia = 'environment'
  if (kafkaBrokers === '' && docker) {
    const { KafkaContainer } = await import('@testcontainers/kafka')
    const container = await new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start()
    cleanups.push(async () => void (await container.stop()))
    kafkaBrokers = `${container.getHost()}:${container.getMappedPort(9093)}`
    kafkaVia = 'testcontainers'
  } else if (kafkaBrokers === '') {
    const data = await mkdtemp(join(tmpdir(), 'adpulse-kafka-'))
    const port = await freePortPair()
    const local = await ensureLocalKafka({ KAFKA_LOCAL_DATA: data, KAFKA_LOCAL_PORT: String(port) })
    cleanups.push(async () => {
      await local.stop()
      await rm(data, { recursive: true, force: true })
    })
    kafkaBrokers = local.brokers.join(',')
    kafkaVia = 'local broker'
  }

  let clickhouseUrl = process.env.CLICKHOUSE_URL ?? ''
  let clickhouseUser = process.env.CLICKHOUSE_USER ?? 'default'
  let clickhousePassword = process.env.CLICKHOUSE_PASSWORD ?? ''
  let clickhouseVia = clickhouseUrl === '' ? 'embedded chDB' : 'environment'
  if (clickhouseUrl === '' && docker) {
    const { ClickHouseContainer } = await import('@testcontainers/clickhouse')
    const container = await new ClickHouseContainer('clickhouse/clickhouse-server:25.8').start()
    cleanups.push(async () => void (await container.stop()))
    clickhouseUrl = container.getHttpUrl()
    clickhouseUser = container.getUsername()
    clickhousePassword = container.getPassword()
    clickhouseVia = 'testcontainers'
  }

  const infrastructure = `Kafka via ${kafkaVia} (${kafkaBrokers}), ClickHouse via ${clickhouseVia}`
  console.log(`[testkit] ${infrastructure}`)
  project.provide('kafkaBrokers', kafkaBrokers)
  project.provide('clickhouseUrl', clickhouseUrl)
  project.provide('clickhouseUser', clickhouseUser)
  project.provide('clickhousePassword', clickhousePassword)
  project.provide('chdbPath', chdbPath)
  project.provide('infrastructure', infrastructure)

  return async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
}

/** True when a Docker engine answers; the client alone is not enough. */
async function dockerAvailable(): Promise<boolean> {
  if (process.env.ADPULSE_TEST_DOCKER === 'false') return false
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    await getContainerRuntimeClient()
    return true
  } catch {
    return false
  }
}
