import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pollUntil } from '@adpulse/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { click, startTestIngest, type TestIngest } from '../test/support.ts'
import { KeyFileError } from './key-store.ts'

/** Key rotation without restart: the key file is read again on SIGHUP and when it changes. */
describe('ingest key rotation', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function withKeyFile(content: string) {
    const dir = await mkdtemp(join(tmpdir(), 'adpulse-keys-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const file = join(dir, 'keys.txt')
    await writeFile(file, content)
    return file
  }
  async function start(file: string) {
    const ingest = await startTestIngest({ ADPULSE_INGEST_KEYS: '', ADPULSE_INGEST_KEYS_FILE: file })
    cleanups.push(() => ingest.close())
    return ingest
  }
  const statusWith = async (ingest: TestIngest, key: string) =>
    (
      await ingest.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        payload: JSON.stringify([click('r-1')]),
      })
    ).statusCode

  it('stamps the source of the key on its events', async () => {
    const ingest = await start(await withKeyFile('network-x:old-key-1111111'))
    expect(await statusWith(ingest, 'old-key-1111111')).toBe(202)
    const letter = ingest.producer.messagesOf(ingest.topics.events)[0]
    expect(letter?.value.toString()).toContain('network-x')
  })

  it('takes a new key and drops the old one on SIGHUP', async () => {
    const file = await withKeyFile('network-x:old-key-1111111')
    const ingest = await start(file)
    expect(await statusWith(ingest, 'old-key-1111111')).toBe(202)
    // Written in place with the same size and mtime second: only the signal tells.
    await writeFile(file, 'network-x:new-key-2222222')
    process.emit('SIGHUP', 'SIGHUP')
    await pollUntil(
      () => statusWith(ingest, 'new-key-2222222'),
      (status) => status === 202,
      { what: 'the new key accepted after SIGHUP', timeoutMs: 5000, intervalMs: 20 },
    )
    expect(await statusWith(ingest, 'old-key-1111111')).toBe(401)
  })

  it('takes a change of the file without any signal', async () => {
    const file = await withKeyFile('network-x:old-key-1111111\n')
    const ingest = await start(file)
    await writeFile(file, 'network-x:old-key-1111111\nnetwork-y:third-key-33333\n')
    await pollUntil(
      () => statusWith(ingest, 'third-key-33333'),
      (status) => status === 202,
      { what: 'the added key accepted after the file changed', timeoutMs: 10_000, intervalMs: 50 },
    )
    expect(await statusWith(ingest, 'old-key-1111111')).toBe(202)
    expect(await ingest.registry.metrics()).toMatch(/adpulse_ingest_keys 2/)
  })

  it('keeps the keys in force when the new file is broken', async () => {
    const file = await withKeyFile('network-x:old-key-1111111')
    const ingest = await start(file)
    await writeFile(file, 'network-x:short')
    expect(await ingest.ingest.keys.reload()).toBe(false)
    expect(await statusWith(ingest, 'old-key-1111111')).toBe(202)
    expect(await ingest.registry.metrics()).toMatch(
      /adpulse_ingest_key_reloads_total\{result="error"\} [1-9]/,
    )
  })

  it('refuses to start on a broken or missing key file, naming it', async () => {
    const file = await withKeyFile('network-x:short')
    await expect(startTestIngest({ ADPULSE_INGEST_KEYS_FILE: file })).rejects.toThrow(KeyFileError)
    await expect(startTestIngest({ ADPULSE_INGEST_KEYS_FILE: `${file}.missing` })).rejects.toThrow(
      /ADPULSE_INGEST_KEYS_FILE .*cannot be read/,
    )
  })
})
