import { readFile } from 'node:fs/promises'
import { audiencesInForce } from '@adpulse/audiences'
import { loadConfig } from '@adpulse/config'
import { describe, expect, it } from 'vitest'
import { DEMO_AUDIENCES_FILE, parseStartFlags, withStartFlags } from './start-flags.ts'

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
    expect(withStartFlags(config, { demo: false, dryRun: false })).toBe(config)
  })

  it('--demo fills the example audiences in when no audiences file is set, and keeps a configured one', async () => {
    const config = loadConfig({})
    const demo = withStartFlags(config, { demo: true, dryRun: false })
    expect(demo.audiences.file).toBe(DEMO_AUDIENCES_FILE)
    expect({ ...demo, audiences: config.audiences }).toEqual(config)
    // The file is there, and its audiences are the ones the demo's events fill.
    const names = (await audiencesInForce(DEMO_AUDIENCES_FILE, (path) => readFile(path, 'utf8'))).map(
      (a) => a.name,
    )
    expect(names).toEqual(['cart-abandoners', 'search-clickers-not-customers'])
    const own = loadConfig({ ADPULSE_AUDIENCES_FILE: '/etc/adpulse/audiences.yaml' })
    expect(withStartFlags(own, { demo: true, dryRun: false })).toBe(own)
  })
})
