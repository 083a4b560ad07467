import { loadConfig } from '@adpulse/config'
import { describe, expect, it } from 'vitest'
import { parseStartFlags, withStartFlags } from './start-flags.ts'

describe('adpulse start flags', () => {
  it('reads --demo and --dry-run, refuses anything else', () => {
    expect(parseStartFlags([])).toEqual({ demo: false, dryRun: false })
    expect(parseStartFlags(['--dry-run', '--demo'])).toEqual({ demo: true, dryRun: true })
    expect(parseStartFlags(['--dryrun'])).toBeUndefined()
  })

  it('--dry-run switches the alerter to dry run over the loaded configuration, nothing else', () => {
    const config = loadConfig({})
    expect(config.alerter.dryRun).toBe(false)
    const dry = withStartFlags(config, { demo: false, dryRun: true })
    expect(dry.alerter).toEqual({ ...config.alerter, dryRun: true })
    expect({ ...dry, alerter: config.alerter }).toEqual(config)
    expect(config.alerter.dryRun).toBe(false) // not mutated
    expect(withStartFlags(config, { demo: true, dryRun: false })).toBe(config)
  })
})
