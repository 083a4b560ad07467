/**
 * The events the HTTP benchmarks post: a realistic mix of impressions, clicks
 * and conversions over 4 channels, 80 campaigns and 50 ads, event times in the
 * last minute.
 */
const CHANNELS = ['search', 'display', 'social', 'affiliate']

export function makeEvents(count: number, seed: number, idPrefix = 'bench'): Array<Record<string, unknown>> {
  const now = Date.now()
  return Array.from({ length: count }, (_, i) => {
    const n = seed * 100_000 + i
    const channel = CHANNELS[n % CHANNELS.length] as string
    const base = {
      event_id: `${idPrefix}-${seed}-${i}`,
      occurred_at: now - (n % 60_000),
      channel,
      campaign_id: `${channel}-campaign-${n % 20}`,
      ad_id: `ad-${n % 50}`,
      user_id: `user-${n % 10_000}`,
    }
    if (n % 50 === 0) return { ...base, type: 'conversion', action: 'purchase', value_micros: 25_000_000 }
    if (n % 10 === 0) return { ...base, type: 'click', click_id: `click-${n}` }
    return { ...base, type: 'impression' }
  })
}

const SLOT = '#'.repeat(10)

/**
 * Bodies of `size` events whose event ids differ from request to request, so
 * the processor counts every event (it drops a repeated id as a duplicate).
 * One body is serialised once; each request copies it and writes its number
 * into the id of every event, which costs the generator a copy, not a JSON.stringify.
 */
export function uniqueBodies(size: number): (n: number) => Buffer {
  const template = Buffer.from(JSON.stringify(makeEvents(size, 0, `p${SLOT}`)))
  const marker = Buffer.from(SLOT)
  const slots: number[] = []
  for (let at = template.indexOf(marker); at >= 0; at = template.indexOf(marker, at + SLOT.length)) {
    slots.push(at)
  }
  return (n) => {
    const body = Buffer.from(template)
    const digits = String(n).padStart(SLOT.length, '0')
    for (const at of slots) body.write(digits, at, 'latin1')
    return body
  }
}
