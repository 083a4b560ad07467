import { MIN_LIFT_RANGE } from '@adpulse/experiments'
import { AD_LIFT_NAMES } from './ad-lift.ts'
import { type Condition, namesIn } from './conditions.ts'

/** The actions of a rule of scope ad: they act on the ad, not on a budget. */
export const AD_ACTIONS = ['PAUSE_AD', 'PROMOTE_AD'] as const

export const isAdAction = (action: unknown): boolean => (AD_ACTIONS as readonly unknown[]).includes(action)

type Fail = (field: string, message: string) => void

/**
 * Scope and action must agree: PAUSE_AD and PROMOTE_AD judge an ad against its
 * campaign's other ads, and only they do; an ad rule changes no budget, so it
 * takes no budget_change_pct or max_total_change_pct.
 */
export function checkScopeAndAction(
  raw: Record<string, unknown>,
  scope: unknown,
  action: unknown,
  fail: Fail,
): void {
  if (isAdAction(action) && scope !== 'ad') {
    fail('scope', `${action} judges an ad against its campaign's other ads: expected ad, got ${show(scope)}`)
  }
  if (scope !== 'ad') return
  if (action === 'CUT' || action === 'SCALE') {
    fail('action', `a rule of scope ad takes PAUSE_AD or PROMOTE_AD, got ${action}`)
  }
  for (const key of ['budget_change_pct', 'max_total_change_pct']) {
    if (raw[key] !== undefined)
      fail(key, 'an ad rule changes no budget: PAUSE_AD and PROMOTE_AD act on the ad')
  }
}

/** An ad rule decides on the ad against its campaign's others: its `when` names a lift. */
export function checkAdCondition(when: Condition, fail: Fail): void {
  if (!namesIn(when).some((name) => (AD_LIFT_NAMES as readonly string[]).includes(name))) {
    fail(
      'when',
      `a rule of scope ad compares the ad with its campaign's others: name ${AD_LIFT_NAMES.join(', ')}`,
    )
  }
}

/**
 * `min_lift` of an ad rule: the smallest relative lift of CTR or CVR it wants
 * to find, to which the test of two ads is tuned (packages/experiments,
 * split-tuning.ts); undefined: the test's fixed default prior.
 */
export function parseMinLift(raw: Record<string, unknown>, scope: unknown, fail: Fail): number | undefined {
  const value = raw.min_lift
  if (value === undefined) return undefined
  if (scope !== 'ad') {
    fail('min_lift', 'tunes the test of ads against each other: only a rule of scope ad takes it')
    return undefined
  }
  const { low, high } = MIN_LIFT_RANGE
  if (typeof value !== 'number' || !(value >= low && value <= high)) {
    fail('min_lift', `expected a relative lift from ${low} to ${high} (0.1: 10 %), got ${show(value)}`)
    return undefined
  }
  return value
}

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value))
