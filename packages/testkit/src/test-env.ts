import { inject } from 'vitest'
import { TEST_READ_KEY } from './read-key.ts'

/**
 * Environment for one test's pipeline: the run's broker and ClickHouse, and
 * names of its own (topics, group, database) so tests never see each other's data,
 * and the test read key (readHeaders() sends it).
 */
export function testEnvironment(id: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: inject('kafkaBrokers'),
    ...testClickHouseEnvironment(`adpulse_${id}`),
    ADPULSE_TOPIC_EVENTS: `${id}.events`,
    ADPULSE_TOPIC_DLQ: `${id}.events.dlq`,
    ADPULSE_TOPIC_SIGNALS: `${id}.signals`,
    ADPULSE_TOPIC_AUDIENCES: `${id}.audiences`,
    ADPULSE_TOPIC_ALERTER_LEASE: `${id}.alerter.lease`,
    ADPULSE_ALERTER_GROUP: `${id}-alerter`,
    ADPULSE_PROCESSOR_GROUP: `${id}-processor`,
    ADPULSE_HOST: '127.0.0.1',
    ADPULSE_PORT: '0',
    ADPULSE_READ_KEYS: `test-reader:${TEST_READ_KEY}`,
    LOG_LEVEL: 'warn',
    ...overrides,
  }
}

/** Where the test run's ClickHouse is: a server's URL and credentials, or the embedded chDB directory. */
export function testClickHouse(): {
  url: string | undefined
  user: string
  password: string
  chdbPath: string
} {
  const url = inject('clickhouseUrl')
  return {
    url: url === '' ? undefined : url,
    user: inject('clickhouseUser'),
    password: inject('clickhousePassword'),
    chdbPath: inject('chdbPath'),
  }
}

/** The run's ClickHouse and a database as configuration reads them: for commands a test runs. */
export function testClickHouseEnvironment(database: string): Record<string, string> {
  const url = inject('clickhouseUrl')
  return {
    ...(url === ''
      ? { ADPULSE_CHDB_PATH: inject('chdbPath') }
      : {
          CLICKHOUSE_URL: url,
          CLICKHOUSE_USER: inject('clickhouseUser'),
          CLICKHOUSE_PASSWORD: inject('clickhousePassword'),
        }),
    CLICKHOUSE_DATABASE: database,
  }
}
