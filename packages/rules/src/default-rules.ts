/**
 * The rules adpulse runs without a rules file: cut a channel whose ROI is below
 * 0, scale one whose ROI is above 1 (or the configured thresholds), each judged on
 * its interval bound (the cut at 80 % over all looks, the scale at 90 %), with
 * minimum evidence, hysteresis and a cooldown. docs/decisions.md says why.
 */
export function defaultRulesDocument(
  windowMs: number,
  minSpendMicros: bigint,
  thresholds: { cutBelowRoi: number; scaleAboveRoi: number } = { cutBelowRoi: 0, scaleAboveRoi: 1 },
): object {
  const window = `${Math.round(windowMs / 60_000)}m`
  const { cutBelowRoi: cut, scaleAboveRoi: scale } = thresholds
  // Hysteresis: leave each state a fifth of a unit of ROI past where it was entered.
  return {
    rules: [
      {
        name: 'cut-unprofitable',
        scope: 'channel',
        window,
        action: 'CUT',
        budget_change_pct: -100,
        when: `roi < ${cut}`,
        exit: `roi > ${cut + 0.2}`,
        min_evidence: { spend_micros: minSpendMicros.toString(), clicks: 50 },
        // The revenue upper bound holds over every look (docs/decisions.md, Repeated looks):
        // at 80 % a break-even channel is cut at most one time in five over a filling window.
        confidence: 0.8,
        cooldown: '1h',
      },
      {
        name: 'scale-profitable',
        scope: 'channel',
        window,
        action: 'SCALE',
        budget_change_pct: 20,
        max_total_change_pct: 100,
        when: `roi > ${scale}`,
        exit: `roi < ${scale - 0.2}`,
        min_evidence: { spend_micros: minSpendMicros.toString(), clicks: 50, conversions: 5 },
        confidence: 0.9,
        cooldown: '1h',
      },
    ],
  }
}
