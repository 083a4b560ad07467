import { describe, expect, it } from 'vitest'
import { loadConfig, loadLogSettings } from './config.ts'
import { ConfigError } from './env-reader.ts'

describe('LOG_FORMAT', () => {
  it('is unset by default (the logger then chooses by its output), or pretty, or json', () => {
    expect(loadConfig({}).logFormat).toBeUndefined()
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty')
    expect(loadConfig({ LOG_FORMAT: ' json ' }).logFormat).toBe('json')
  })

  it('refuses anything else with a problem naming LOG_FORMAT and the values it takes', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow(ConfigError)
    try {
      loadConfig({ LOG_FORMAT: 'text' })
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'LOG_FORMAT: expected pretty or json (unset: pretty on a terminal, else json), got "text"',
      ])
    }
  })
})

describe('loadLogSettings', () => {
  it('reads LOG_LEVEL and LOG_FORMAT alone, for the logger that reports the rest', () => {
    expect(loadLogSettings({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json', ADPULSE_PORT: 'eighty' })).toEqual({
      level: 'debug',
      format: 'json',
    })
  })

  it('reads a bad value as its default: loadConfig refuses it, in the default format', () => {
    expect(loadLogSettings({ LOG_LEVEL: 'loud', LOG_FORMAT: 'text' })).toEqual({
      level: 'info',
      format: undefined,
    })
  })
})
