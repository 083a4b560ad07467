import { roiOf } from '@adpulse/kpi'
import {
  type EntitySums,
  evaluateRule,
  INITIAL_RULE_STATE,
  type Rule,
  type RuleState,
  type ValuePrior,
} from '@adpulse/rules'

/** What a rule set says about one channel at one step: the signals it publishes now. */
export interface Verdict {
  cut: boolean
  scale: boolean
}

/**
 * A rule set under test. `judge` is called for every channel at every step in
 * time order, and keeps whatever memory the rule set has per channel.
 */
export interface Decider {
  name: string
  judge(channel: number, sums: EntitySums, now: number, prior: ValuePrior | undefined): Verdict
}

/**
 * adpulse's rules through the engine the alerter runs: each rule keeps its
 * hysteresis state, cooldown and cap per channel; a verdict is a fired signal.
 */
export function rulesDecider(name: string, rules: readonly Rule[], channels: number): Decider {
  const states: RuleState[][] = rules.map(() => Array.from({ length: channels }, () => INITIAL_RULE_STATE))
  return {
    name,
    judge(channel, sums, now, prior) {
      const verdict: Verdict = { cut: false, scale: false }
      rules.forEach((rule, r) => {
        const perChannel = states[r] as RuleState[]
        const outcome = evaluateRule(rule, sums, perChannel[channel] as RuleState, now, prior)
        perChannel[channel] = outcome.state
        if (outcome.fired && outcome.action === 'CUT') verdict.cut = true
        if (outcome.fired && outcome.action === 'SCALE') verdict.scale = true
      })
      return verdict
    },
  }
}

/** The naive rule's evidence gate and thresholds. */
export interface NaiveRule {
  minSpendMicros: bigint
  minClicks: number
  cutBelowRoi: number
  scaleAboveRoi: number
}

/**
 * The point-estimate rule of ad managers' automated rules ("pause when ROI
 * over the period is below 0 and spend is above X"), as adpulse's walking-
 * skeleton alerter ran it: behind the same evidence gate as the rules under
 * test, publishing when its decision differs from the last one it published.
 */
export function naiveDecider(name: string, rule: NaiveRule, channels: number): Decider {
  const last: Array<'CUT' | 'SCALE' | null> = Array.from({ length: channels }, () => null)
  const decide = (sums: EntitySums): 'CUT' | 'SCALE' | null => {
    if (sums.spend_micros < rule.minSpendMicros || sums.clicks < rule.minClicks) return null
    const roi = roiOf(sums.spend_micros, sums.revenue_micros)
    if (roi === null) return null
    return roi < rule.cutBelowRoi ? 'CUT' : roi > rule.scaleAboveRoi ? 'SCALE' : null
  }
  return {
    name,
    judge(channel, sums) {
      const decision = decide(sums)
      if (decision === null || decision === last[channel]) return { cut: false, scale: false }
      last[channel] = decision
      return { cut: decision === 'CUT', scale: decision === 'SCALE' }
    },
  }
}
