/**
 * The rules adpulse runs without a rules file: cut a channel whose ROI is below
 * 0, scale one whose ROI is above 1, each judged on its interval bound at 90 %
 * confidence, with minimum evidence, hysteresis and a cooldown.
 */
export function defaultRulesDocument(windowMs: number, minSpendMicros: bigint): object {
  const window = `${Math.round(windowMs / 60_000)}m`
  return {
    rules: [
      {
        name: 'cut-unprofitable',
        scope: 'channel',
        window,
        action: 'CUT',
        budget_change_pct: -100,
        when: 'roi < 0',
        exit: 'roi > 0.2',
        min_evidence: { spend_micros: minSpendMicros.toString(), clicks: 50 },
        confidence: 0.9,
        cooldown: '1h',
      },
      {
        name: 'scale-profitable',
        scope: 'channel',
        window,
        action: 'SCALE',
        budget_change_pct: 20,
        max_total_change_pct: 100,
        when: 'roi > 1',
        exit: 'roi < 0.8',
        min_evidence: { spend_micros: minSpendMicros.toString(), clicks: 50, conversions: 5 },
        confidence: 0.9,
        cooldown: '1h',
      },
    ],
  }
}
