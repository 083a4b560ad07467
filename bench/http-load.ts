import { Agent, request } from 'node:http'
import { type RunResult, summarize } from './stats.ts'

/**
 * The load generator: plain node:http with keep-alive connections, in the
 * benchmark's own process (ingest runs in another). Bodies are built before
 * the clock starts, so the generator costs little CPU while measuring.
 */
export interface Target {
  port: number
  apiKey: string
  bodies: Buffer[]
  eventsPerBody: number
  /**
   * The body of the n-th request, when each must differ (events the
   * processor would otherwise drop as duplicates); else `bodies` in turn.
   */
  bodyAt?: (n: number) => Buffer
}

const bodyOf = (target: Target, n: number): Buffer =>
  target.bodyAt ? target.bodyAt(n) : (target.bodies[n % target.bodies.length] as Buffer)

function post(agent: Agent, target: Target, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port: target.port,
        method: 'POST',
        path: '/v1/events',
        headers: {
          authorization: `Bearer ${target.apiKey}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Closed loop: `concurrency` connections each send the next request as soon as the last is answered. */
export async function closedLoop(target: Target, concurrency: number, seconds: number): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const latencies: number[] = []
  let accepted = 0
  let failures = 0
  const started = performance.now()
  const end = started + seconds * 1000
  let next = 0
  const worker = async () => {
    while (performance.now() < end) {
      const body = bodyOf(target, next++)
      const t0 = performance.now()
      const status = await post(agent, target, body)
      latencies.push(performance.now() - t0)
      if (status === 202) accepted += target.eventsPerBody
      else failures++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  return summarize(latencies, accepted, elapsed, failures)
}

/**
 * Open loop at a fixed rate: a request is due every 1/rate seconds whether or
 * not earlier ones were answered, and its latency counts from when it was due
 * (no coordinated omission).
 */
export async function openLoop(
  target: Target,
  requestsPerSecond: number,
  seconds: number,
): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 })
  const latencies: number[] = []
  let accepted = 0
  let failures = 0
  const interval = 1000 / requestsPerSecond
  const total = Math.round(requestsPerSecond * seconds)
  const started = performance.now()
  const inFlight: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + i * interval
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const body = bodyOf(target, i)
    inFlight.push(
      post(agent, target, body).then((status) => {
        latencies.push(performance.now() - due)
        if (status === 202) accepted += target.eventsPerBody
        else failures++
      }),
    )
  }
  await Promise.all(inFlight)
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  return summarize(latencies, accepted, elapsed, failures)
}
