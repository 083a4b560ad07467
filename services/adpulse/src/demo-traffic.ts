/**
 * Demo traffic: a small made-up market whose channels have known economics,
 * so a newcomer sees KPIs fill in and signals fire within a minute or two.
 * display loses money (CUT), search and affiliate earn (SCALE), social is in
 * between. Every campaign runs three ads of unequal pull (by=campaign,ad shows
 * the creative that carries it, /v1/experiments finds it), social brings leads
 * and purchases (by=action, "cost per lead") and engagement: likes, shares,
 * comments and video views. Clicks, engagements and conversions carry a user:
 * on the shopping channels some clickers add to cart and leave without buying,
 * so the demo's cart-abandoners audience fills.
 */
interface Outcome {
  action: string
  /** Share of the channel's conversions. */
  share: number
  meanValueMicros: number
}

interface ChannelProfile {
  channel: string
  impressionsPerTick: number
  ctr: number
  cvr: number
  outcomes: Outcome[]
  /** Engagements per impression; 0 where the channel has none. */
  engagementRate: number
  /** Share of clicks followed by an add_to_cart (shopping channels; 0 elsewhere). */
  cartRate: number
}

const PROFILES: ChannelProfile[] = [
  {
    channel: 'search',
    impressionsPerTick: 200,
    ctr: 0.05,
    cvr: 0.05,
    outcomes: [{ action: 'purchase', share: 1, meanValueMicros: 60_000_000 }],
    engagementRate: 0,
    cartRate: 0.3,
  },
  {
    channel: 'display',
    impressionsPerTick: 2000,
    ctr: 0.002,
    cvr: 0.02,
    // ROI about −0.9: clear enough for the evidence rules to cut within a couple of minutes.
    outcomes: [{ action: 'purchase', share: 1, meanValueMicros: 8_000_000 }],
    engagementRate: 0,
    cartRate: 0,
  },
  {
    channel: 'social',
    impressionsPerTick: 500,
    ctr: 0.02,
    cvr: 0.1,
    // Leads are paid (CPA in deploy/pricing.json), purchases are not: ROI about 0.7.
    outcomes: [
      { action: 'lead', share: 0.8, meanValueMicros: 20_000_000 },
      { action: 'purchase', share: 0.2, meanValueMicros: 40_000_000 },
    ],
    engagementRate: 0.04,
    cartRate: 0,
  },
  {
    channel: 'affiliate',
    impressionsPerTick: 100,
    ctr: 0.08,
    cvr: 0.1,
    outcomes: [{ action: 'purchase', share: 1, meanValueMicros: 50_000_000 }],
    engagementRate: 0,
    cartRate: 0.3,
  },
]

const CAMPAIGNS_PER_CHANNEL = 3
/** Each ad's click-through relative to its channel's: the first ad carries its campaign. */
const AD_PULL = [1.4, 1, 0.6]
const ENGAGEMENT_ACTIONS = ['like', 'like', 'share', 'comment', 'video_view', 'video_view']
/** People the demo's events come from: enough that buyers do not soon exhaust the cart abandoners. */
const USERS = 100_000

/** Events of one tick; `random` is injected so tests can make it deterministic. */
export function demoEvents(tick: number, now: number, random: () => number = Math.random): object[] {
  const events: object[] = []
  let seq = 0
  const id = () => `demo-${now}-${tick}-${seq++}`
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  for (const p of PROFILES) {
    for (let i = 0; i < p.impressionsPerTick; i++) {
      const campaign_id = `${p.channel}-campaign-${Math.floor(random() * CAMPAIGNS_PER_CHANNEL) + 1}`
      const ad = Math.floor(random() * AD_PULL.length)
      const base = {
        channel: p.channel,
        campaign_id,
        ad_id: `${campaign_id}-ad-${ad + 1}`,
        occurred_at: now - Math.floor(random() * 5000),
        user_id: `demo-user-${Math.floor(random() * USERS)}`,
      }
      events.push({ ...base, event_id: id(), type: 'impression' })
      if (random() < p.engagementRate) {
        events.push({ ...base, event_id: id(), type: 'engagement', action: pick(ENGAGEMENT_ACTIONS) })
      }
      if (random() >= p.ctr * (AD_PULL[ad] ?? 1)) continue
      const click_id = id()
      events.push({ ...base, event_id: click_id, type: 'click' })
      if (random() < p.cartRate)
        events.push({ ...base, event_id: id(), type: 'engagement', action: 'add_to_cart' })
      if (random() >= p.cvr) continue
      const outcome = pickOutcome(p.outcomes, random())
      // Skewed order values: most are small, a few are large (exponential).
      const value = Math.round(-Math.log(1 - random()) * outcome.meanValueMicros)
      events.push({
        ...base,
        event_id: id(),
        type: 'conversion',
        click_id,
        action: outcome.action,
        value_micros: value,
      })
    }
  }
  return events
}

function pickOutcome(outcomes: readonly Outcome[], draw: number): Outcome {
  let below = 0
  for (const outcome of outcomes) {
    below += outcome.share
    if (draw < below) return outcome
  }
  return outcomes[outcomes.length - 1] as Outcome
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
