/**
 * Demo traffic: a small made-up market whose channels have known economics,
 * so a newcomer sees KPIs fill in and signals fire within a minute or two.
 * display loses money (CUT), search and affiliate earn (SCALE), social is in between.
 */
interface ChannelProfile {
  channel: string
  impressionsPerTick: number
  ctr: number
  cvr: number
  action: string
  meanValueMicros: number
}

const PROFILES: ChannelProfile[] = [
  {
    channel: 'search',
    impressionsPerTick: 200,
    ctr: 0.05,
    cvr: 0.05,
    action: 'purchase',
    meanValueMicros: 60_000_000,
  },
  {
    channel: 'display',
    impressionsPerTick: 2000,
    ctr: 0.002,
    cvr: 0.02,
    action: 'purchase',
    // ROI about −0.9: clear enough for the evidence rules to cut within a couple of minutes.
    meanValueMicros: 8_000_000,
  },
  {
    channel: 'social',
    impressionsPerTick: 500,
    ctr: 0.02,
    cvr: 0.1,
    action: 'lead',
    meanValueMicros: 25_000_000,
  },
  {
    channel: 'affiliate',
    impressionsPerTick: 100,
    ctr: 0.08,
    cvr: 0.1,
    action: 'purchase',
    meanValueMicros: 50_000_000,
  },
]

const CAMPAIGNS_PER_CHANNEL = 3

/** Events of one tick; `random` is injected so tests can make it deterministic. */
export function demoEvents(tick: number, now: number, random: () => number = Math.random): object[] {
  const events: object[] = []
  let seq = 0
  const id = () => `demo-${now}-${tick}-${seq++}`
  for (const p of PROFILES) {
    for (let i = 0; i < p.impressionsPerTick; i++) {
      const campaign_id = `${p.channel}-campaign-${Math.floor(random() * CAMPAIGNS_PER_CHANNEL) + 1}`
      const base = { channel: p.channel, campaign_id, occurred_at: now - Math.floor(random() * 5000) }
      events.push({ ...base, event_id: id(), type: 'impression' })
      if (random() >= p.ctr) continue
      const click_id = id()
      events.push({ ...base, event_id: click_id, type: 'click' })
      if (random() >= p.cvr) continue
      // Skewed order values: most are small, a few are large (exponential).
      const value = Math.round(-Math.log(1 - random()) * p.meanValueMicros)
      events.push({
        ...base,
        event_id: id(),
        type: 'conversion',
        click_id,
        action: p.action,
        value_micros: value,
      })
    }
  }
  return events
}

/** Posts demo events to an ingest endpoint every intervalMs until stopped. */
export function startDemoTraffic(options: {
  url: string
  apiKey: string
  intervalMs: number
  onError: (err: unknown) => void
}): { stop(): Promise<void> } {
  let tick = 0
  let stopped = false
  let inFlight: Promise<void> = Promise.resolve()
  const send = async () => {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(demoEvents(tick++, Date.now())),
    })
    if (response.status !== 202)
      throw new Error(`demo post answered ${response.status}: ${await response.text()}`)
  }
  const timer = setInterval(() => {
    if (stopped) return
    inFlight = send().catch(options.onError)
  }, options.intervalMs)
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await inFlight
    },
  }
}
