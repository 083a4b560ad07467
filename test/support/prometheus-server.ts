import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pollUntil } from '@adpulse/testkit'

/**
 * Debian's `prometheus` package provides both binaries (.ci/run installs it).
 * PROMETHEUS_BIN / PROMTOOL_BIN point elsewhere when they live somewhere else.
 */
export function prometheusBinary(name: 'prometheus' | 'promtool'): string {
  const override = process.env[`${name.toUpperCase()}_BIN`]
  const candidates = [override, `/usr/bin/${name}`, `/usr/local/bin/${name}`].filter(
    (c): c is string => c !== undefined && c !== '',
  )
  const found = candidates.find((c) => existsSync(c))
  if (found) return found
  throw new Error(
    `${name} not found (looked at ${candidates.join(', ')}): install Debian's prometheus package ` +
      '(apt-get install -y --no-install-recommends prometheus), as .ci/run does',
  )
}

/** Runs promtool; returns its exit status and everything it printed. */
export function promtool(args: string[], cwd?: string): { status: number | null; output: string } {
  const result = spawnSync(prometheusBinary('promtool'), args, { cwd, encoding: 'utf8' })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

export interface PromSample {
  metric: Record<string, string>
  value: [number, string]
}

export type QueryAnswer = { ok: true; result: PromSample[] } | { ok: false; error: string }

export interface RuleState {
  name: string
  query: string
  health: string
  lastError?: string
  lastEvaluation: string
  state?: string
}

export interface PrometheusServer {
  url: string
  /** An instant query through the HTTP API (/api/v1/query). */
  query(expr: string): Promise<QueryAnswer>
  labelValues(label: string, match: string): Promise<string[]>
  rules(): Promise<RuleState[]>
  stop(): Promise<void>
}

export interface PrometheusOptions {
  /** host:port targets of the one scrape job `adpulse`. */
  targets: string[]
  ruleFiles: string[]
  scrapeIntervalSeconds: number
}

/**
 * A real Prometheus on a free loopback port with a temporary data directory,
 * scraping the given targets and evaluating the given rule files. stop() ends
 * it (by its own pid) and removes the directory.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'adpulse-prometheus-'))
  const interval = `${options.scrapeIntervalSeconds}s`
  // JSON is YAML: no YAML writer needed.
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: options.ruleFiles,
    scrape_configs: [{ job_name: 'adpulse', static_configs: [{ targets: options.targets }] }],
  }
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(
    prometheusBinary('prometheus'),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await pollUntil(
      async () => (child.exitCode !== null ? -1 : (await fetch(`${url}/-/ready`)).status),
      (status) => status === 200 || status === -1,
      { what: 'Prometheus /-/ready', timeoutMs: 60_000 },
    )
    if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}:\n${log}`)
  } catch (err) {
    await stop()
    throw err
  }
  return serverApi(url, stop)
}

function serverApi(url: string, stop: () => Promise<void>): PrometheusServer {
  return {
    url,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`)
      const body = (await response.json()) as {
        status: string
        error?: string
        data?: { resultType: string; result: PromSample[] | [number, string] }
      }
      if (body.status !== 'success' || !body.data)
        return { ok: false, error: body.error ?? response.statusText }
      // A scalar (time() - ...) answers one value; it counts as one sample.
      const { resultType, result } = body.data
      if (resultType === 'scalar')
        return { ok: true, result: [{ metric: {}, value: result as [number, string] }] }
      return { ok: true, result: result as PromSample[] }
    },
    async labelValues(label, match) {
      const response = await fetch(
        `${url}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': match })}`,
      )
      return ((await response.json()) as { data: string[] }).data
    },
    async rules() {
      const response = await fetch(`${url}/api/v1/rules`)
      const body = (await response.json()) as { data: { groups: Array<{ rules: RuleState[] }> } }
      return body.data.groups.flatMap((g) => g.rules)
    },
    stop,
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
