import { type Stats, unwatchFile, watchFile } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Logger } from '@adpulse/observability'
import { createKeyLookup, envKeyEntries } from './api-keys.ts'
import { type KeyEntry, parseKeyFile } from './key-file.ts'

export interface KeyStoreOptions {
  /** ADPULSE_INGEST_KEYS: fixed for the life of the process. */
  envKeys: ReadonlyMap<string, string>
  /** ADPULSE_INGEST_KEYS_FILE: re-read on reload(); its entries win over envKeys for the same key. */
  file: string | undefined
  logger: Logger
  /** How often the file's metadata is checked for a change; default 1000 ms. */
  watchIntervalMs?: number
  /** Called after every reload attempt, for metrics. */
  onReload?: (result: 'ok' | 'error', keys: number) => void
}

export class KeyFileError extends Error {
  override name = 'KeyFileError'
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`ADPULSE_INGEST_KEYS_FILE ${file}: ${problems.join('; ')}`)
  }
}

/**
 * The ingest keys in force. Rotation without restart: the key file is read
 * again on SIGHUP and when it changes; a file with a problem is refused whole
 * and the keys in force stay, so a bad edit never locks every sender out.
 */
export class KeyStore {
  private lookupFn: (authorization: string | undefined) => KeyEntry | null = () => null
  private count = 0
  private watching: string | undefined
  private readonly onSignal = () => void this.reload()
  private readonly onChange = (now: Stats, before: Stats) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) {
      void this.reload()
    }
  }

  constructor(private readonly options: KeyStoreOptions) {}

  /** Number of keys in force. */
  get size(): number {
    return this.count
  }

  /** The entry of a bearer key, or null; compares in constant time. */
  lookup(authorization: string | undefined): KeyEntry | null {
    return this.lookupFn(authorization)
  }

  /** First load: throws KeyFileError when the file cannot be read or has a problem. */
  async load(): Promise<void> {
    this.install(await this.read())
  }

  /** Reads the key file again; on a problem keeps the keys in force and logs why. */
  async reload(): Promise<boolean> {
    const log = this.options.logger
    try {
      const entries = await this.read()
      this.install(entries)
      this.options.onReload?.('ok', this.count)
      log.info({ keys: this.count, file: this.options.file }, 'ingest keys reloaded')
      return true
    } catch (err) {
      this.options.onReload?.('error', this.count)
      log.error({ err, file: this.options.file }, 'ingest keys not reloaded; the keys in force stay')
      return false
    }
  }

  /** Reloads on SIGHUP and when the key file changes, until stop(). */
  watch(): void {
    process.on('SIGHUP', this.onSignal)
    const file = this.options.file
    if (file === undefined) return
    // Polling the file's metadata (not fs.watch): it sees an editor's rename-over and works on every file system.
    watchFile(file, { interval: this.options.watchIntervalMs ?? 1000, persistent: false }, this.onChange)
    this.watching = file
  }

  stop(): void {
    process.off('SIGHUP', this.onSignal)
    if (this.watching !== undefined) unwatchFile(this.watching, this.onChange)
    this.watching = undefined
  }

  private async read(): Promise<KeyEntry[]> {
    const fromEnv = envKeyEntries(this.options.envKeys)
    const file = this.options.file
    if (file === undefined) return fromEnv
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      throw new KeyFileError(file, [`cannot be read: ${(err as Error).message}`])
    }
    const parsed = parseKeyFile(text)
    if (!parsed.ok) throw new KeyFileError(file, parsed.problems)
    const fromFile = new Set(parsed.entries.map((e) => e.key))
    return [...fromEnv.filter((e) => !fromFile.has(e.key)), ...parsed.entries]
  }

  private install(entries: KeyEntry[]): void {
    this.lookupFn = createKeyLookup(entries)
    this.count = entries.length
  }
}
