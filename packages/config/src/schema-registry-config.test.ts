import { describe, expect, it } from 'vitest'
import { problemsOf } from '../test/problems.ts'
import { loadConfig } from './config.ts'

describe('loadConfig: schema registry credentials', () => {
  it('has no registry and no credentials by default', () => {
    expect(loadConfig({}).schemaRegistry).toEqual({ url: undefined, auth: undefined })
  })

  it('reads basic auth from its variables, the URL untouched', () => {
    const { schemaRegistry } = loadConfig({
      SCHEMA_REGISTRY_URL: 'https://registry.example.com/prefix',
      SCHEMA_REGISTRY_USERNAME: 'API_KEY',
      SCHEMA_REGISTRY_PASSWORD: 'API_SECRET',
    })
    expect(schemaRegistry).toEqual({
      url: 'https://registry.example.com/prefix',
      auth: { kind: 'basic', username: 'API_KEY', password: 'API_SECRET' },
    })
  })

  it('takes user info in the URL as basic auth and removes it from the URL', () => {
    expect(
      loadConfig({ SCHEMA_REGISTRY_URL: 'https://key:p%40ss@registry.example.com:8081' }).schemaRegistry,
    ).toEqual({
      url: 'https://registry.example.com:8081',
      auth: { kind: 'basic', username: 'key', password: 'p@ss' },
    })
  })

  it('reads a bearer token', () => {
    expect(
      loadConfig({ SCHEMA_REGISTRY_URL: 'http://registry:8081', SCHEMA_REGISTRY_TOKEN: 'tok' }).schemaRegistry
        .auth,
    ).toEqual({ kind: 'bearer', token: 'tok' })
  })

  it('names each half-given or doubly given credential, and credentials without a registry', () => {
    const url = 'http://registry:8081'
    expect(problemsOf({ SCHEMA_REGISTRY_URL: url, SCHEMA_REGISTRY_USERNAME: 'u' })).toEqual([
      'SCHEMA_REGISTRY_PASSWORD: required with SCHEMA_REGISTRY_USERNAME',
    ])
    expect(
      problemsOf({
        SCHEMA_REGISTRY_URL: url,
        SCHEMA_REGISTRY_USERNAME: 'u',
        SCHEMA_REGISTRY_PASSWORD: 'p',
        SCHEMA_REGISTRY_TOKEN: 't',
      }),
    ).toEqual([expect.stringMatching(/^SCHEMA_REGISTRY_TOKEN: set together with basic auth/)])
    expect(
      problemsOf({
        SCHEMA_REGISTRY_URL: 'http://u:p@registry:8081',
        SCHEMA_REGISTRY_USERNAME: 'u',
        SCHEMA_REGISTRY_PASSWORD: 'p',
      }),
    ).toEqual([
      expect.stringMatching(/^SCHEMA_REGISTRY_USERNAME: set, but SCHEMA_REGISTRY_URL carries a user too/),
    ])
    expect(problemsOf({ SCHEMA_REGISTRY_TOKEN: 't' })).toEqual([
      expect.stringMatching(/^SCHEMA_REGISTRY_URL: required with registry credentials/),
    ])
  })

  it('never repeats a password from a bad URL in its message', () => {
    expect(problemsOf({ SCHEMA_REGISTRY_URL: 'ftp://user:hunter2@registry' })).toEqual([
      'SCHEMA_REGISTRY_URL: expected an http(s) URL, got "ftp://user:***@registry"',
    ])
  })
})
