/**
 * The data of `pnpm bench:query`: 7 days of kpi_buckets rows for a large
 * account, generated straight into ClickHouse (INSERT … SELECT FROM numbers()),
 * with no events_raw, no Kafka and no randomness: every value is a hash of the
 * campaign, ad and slot, so a scale gives the same table on every run.
 *
 * Activity is skewed, as in a real account: a few campaigns buy every minute,
 * the long tail a bucket every few hours per ad. Each campaign has ADS ads and
 * one channel; an ad is active once per period of its tier, at a phase of its
 * own. An active ad-minute is one bucket row of impressions, clicks and spend
 * (action ''), and on some slots a conversion row (lead, purchase, signup,
 * install) and, on the social and display channels, an engagement row (like,
 * share, comment, video_view). The slot counts of every period are multiples
 * of 6, so the row count is exact arithmetic (planRows), checked after the load.
 */

export const DAYS = 7
export const MINUTES = DAYS * 1440
export const ADS = 5
export const CHANNELS = ['search', 'display', 'social', 'affiliate', 'email'] as const
/** Channels whose ads also get engagement rows (social posts, video views on display). */
export const ENGAGING_CHANNELS = ['display', 'social'] as const
export const CONVERSION_ACTIONS = ['lead', 'purchase', 'signup', 'install'] as const
export const ENGAGEMENT_ACTIONS = ['like', 'share', 'comment', 'video_view'] as const
export const SOURCES = ['web-sdk', 'ios-sdk', 'android-sdk', 'server'] as const
export const TOPIC = 'adpulse.events.v1'
export const PARTITIONS = 3
/** A conversion row on one slot in CONVERSION_EVERY of an ad, an engagement row on one in ENGAGEMENT_EVERY. */
export const CONVERSION_EVERY = 6
export const ENGAGEMENT_EVERY = 3

export interface ActivityTier {
  name: string
  /** Its share of the campaigns, in parts per 1000. */
  perMille: number
  /** An ad of the tier has one active minute in each period. */
  periodMinutes: number
  /** Mean impressions of an active ad-minute. */
  impressions: number
}

/** 0.1% of the campaigns every minute, 0.9% every 5 minutes, 9% hourly, 90% every 4 hours (per ad). */
export const TIERS: readonly ActivityTier[] = [
  { name: 'hot', perMille: 1, periodMinutes: 1, impressions: 400 },
  { name: 'warm', perMille: 9, periodMinutes: 5, impressions: 80 },
  { name: 'mid', perMille: 90, periodMinutes: 60, impressions: 20 },
  { name: 'tail', perMille: 900, periodMinutes: 240, impressions: 6 },
]

export interface TierPlan extends ActivityTier {
  /** Campaign numbers [first, first + campaigns). */
  first: number
  campaigns: number
  /** Active minutes of each ad over the DAYS. */
  slots: number
  /** Of its campaigns, those on an ENGAGING_CHANNELS channel. */
  engaging: number
  rows: number
}

export interface DataPlan {
  campaigns: number
  tiers: TierPlan[]
  rows: number
}

/** Campaign c's channel: CHANNELS[c % 5]. */
export const channelOf = (campaign: number): string => CHANNELS[campaign % CHANNELS.length] as string

/** How many of the campaigns [first, first + count) have an engaging channel. */
export function engagingCampaigns(first: number, count: number): number {
  const indexes = ENGAGING_CHANNELS.map((channel) => CHANNELS.indexOf(channel))
  let n = 0
  for (const index of indexes) {
    // Numbers c in [first, first + count) with c % k = index.
    const k = CHANNELS.length
    const below = (end: number) => Math.floor((end - index + k - 1) / k)
    n += below(first + count) - below(first)
  }
  return n
}

/**
 * The tiers' campaigns and rows for an account of `campaigns` campaigns: each
 * tier gets its share (at least one campaign while any are left), the last
 * tier the rest.
 */
export function planRows(campaigns: number): DataPlan {
  if (!Number.isInteger(campaigns) || campaigns < TIERS.length) {
    throw new Error(`campaigns: expected an integer ≥ ${TIERS.length}, got ${campaigns}`)
  }
  let first = 0
  const tiers = TIERS.map((tier, i): TierPlan => {
    const share = Math.max(1, Math.floor((campaigns * tier.perMille) / 1000))
    const count = i === TIERS.length - 1 ? campaigns - first : share
    const slots = MINUTES / tier.periodMinutes
    if (!Number.isInteger(slots) || slots % CONVERSION_EVERY !== 0 || slots % ENGAGEMENT_EVERY !== 0) {
      throw new Error(`tier ${tier.name}: ${MINUTES} minutes are not a multiple of 6 periods`)
    }
    const engaging = engagingCampaigns(first, count)
    const rows =
      count * ADS * slots +
      (count * ADS * slots) / CONVERSION_EVERY +
      (engaging * ADS * slots) / ENGAGEMENT_EVERY
    const plan = { ...tier, first, campaigns: count, slots, engaging, rows }
    first += count
    return plan
  })
  return { campaigns, tiers, rows: tiers.reduce((sum, t) => sum + t.rows, 0) }
}

/** The campaign id of campaign number c, as SQL over `c` and as a string (campaignIdOf). */
export const CAMPAIGN_ID_SQL = (c: string) => `concat('cmp-', lower(hex(cityHash64(toUInt64(${c})))))`

const list = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`

/**
 * One tier's rows, INSERT … SELECT FROM numbers(): number n is ad n % ADS of
 * campaign first + (n / ADS) % campaigns in slot n / (ADS × campaigns); its
 * minute is the slot's period start plus the ad's phase. `start` is the first
 * minute, epoch seconds.
 */
export function tierInsert(database: string, tier: TierPlan, start: number): string {
  const perSlot = tier.campaigns * ADS
  const p = tier.periodMinutes
  return `INSERT INTO ${database}.kpi_buckets (minute, channel, campaign_id, topic, partition, ad_id, action,
      source, impressions, clicks, conversions, engagements, spend_micros, revenue_micros, revenue_squares,
      last_offset, first_event_at, last_event_at)
    SELECT toDateTime(${start} + m * 60, 'UTC') AS minute, ch AS channel, cid AS campaign_id,
      '${TOPIC}' AS topic, toUInt32(cityHash64(cid) % ${PARTITIONS}) AS partition,
      concat(cid, '-ad', toString(ad)) AS ad_id,
      multiIf(kind = 'conversion', ${list(CONVERSION_ACTIONS)}[h % 4 + 1],
        kind = 'engagement', ${list(ENGAGEMENT_ACTIONS)}[intDiv(h, 4) % 4 + 1], '') AS action,
      ${list(SOURCES)}[(c + slot) % 4 + 1] AS source,
      if(kind = '', imps, 0) AS impressions,
      if(kind = '', intDiv(imps * (1 + h % 5) + intDiv(h, 7) % 100, 100), 0) AS clicks,
      if(kind = 'conversion', 1 + h % 3, 0) AS conversions,
      if(kind = 'engagement', 1 + h % 20, 0) AS engagements,
      toInt128(multiIf(kind = '', imps * (500 + h % 4000),
        kind = 'conversion' AND ch = 'affiliate', conversions * 5000000, 0)) AS spend_micros,
      toInt128(if(action = 'purchase', conversions * (10000000 + h % 90000000), 0)) AS revenue_micros,
      conversions * pow(toFloat64(revenue_micros) / greatest(conversions, 1), 2) AS revenue_squares,
      toUInt64(m * 20000 + h % 20000) AS last_offset,
      toDateTime64(${start} + m * 60, 3, 'UTC') + toIntervalMillisecond(h % 30000) AS first_event_at,
      first_event_at + toIntervalMillisecond(intDiv(h, 30000) % 29999) AS last_event_at
    FROM (
      SELECT ${tier.first} + intDiv(number % ${perSlot}, ${ADS}) AS c, number % ${ADS} AS ad,
        intDiv(number, ${perSlot}) AS slot, slot * ${p} + cityHash64(c, ad) % ${p} AS m,
        ${list(CHANNELS)}[c % ${CHANNELS.length} + 1] AS ch, ${CAMPAIGN_ID_SQL('c')} AS cid,
        cityHash64(c, ad, slot) AS h,
        ${tier.impressions / 2} + h % ${tier.impressions} AS imps,
        arrayJoin(arrayConcat([''],
          if((slot + ad) % ${CONVERSION_EVERY} = 0, ['conversion'], []),
          if(ch IN ${list(ENGAGING_CHANNELS).replace('[', '(').replace(']', ')')}
            AND (slot + ad) % ${ENGAGEMENT_EVERY} = 1, ['engagement'], []))) AS kind
      FROM numbers(${perSlot * tier.slots})
    )`
}
