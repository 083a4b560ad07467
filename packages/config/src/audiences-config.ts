import type { EnvReader } from './env-reader.ts'
import { readNamedKeys } from './named-keys.ts'

export interface AudiencesConfig {
  /**
   * `ADPULSE_AUDIENCES_FILE`, unset by default: the remarketing audiences (YAML,
   * README "Remarketing audiences", deploy/audiences.example.yaml). Unset: no
   * audiences. A malformed file stops the start with every problem listed.
   */
  file: string | undefined
  /**
   * `ADPULSE_AUDIENCES_INTERVAL`, default 10s: how often the alerter's leader
   * diffs each audience's members against those last published and publishes
   * the changes on ADPULSE_TOPIC_AUDIENCES. A change reaches the topic within
   * about this plus the processor's write delay after its event.
   */
  publishIntervalMs: number
}

export interface AdminConfig {
  /**
   * `ADPULSE_ADMIN_KEYS`, comma-separated `name:key` pairs (a bare `key` gets the
   * name `key<N>`), the same form as ADPULSE_INGEST_KEYS: the bearer keys of the
   * admin routes (DELETE /v1/users/{user_id}); the name is recorded as who did it.
   * Required when NODE_ENV=production; without it, the development key `admin:adpulse-dev-admin-key`.
   */
  keys: ReadonlyMap<string, string>
}

const DEV_ADMIN_KEYS = 'admin:adpulse-dev-admin-key'

export function readAudiences(r: EnvReader): AudiencesConfig {
  const publishIntervalMs = r.durationMs('ADPULSE_AUDIENCES_INTERVAL', 10_000)
  if (publishIntervalMs < 100) r.fail('ADPULSE_AUDIENCES_INTERVAL: must be at least 100ms')
  return { file: r.optionalString('ADPULSE_AUDIENCES_FILE'), publishIntervalMs }
}

export function readAdmin(r: EnvReader, production: boolean): AdminConfig {
  return {
    keys: readNamedKeys(r, 'ADPULSE_ADMIN_KEYS', {
      fallback: production ? [] : [DEV_ADMIN_KEYS],
      what: 'name',
      required: production,
    }),
  }
}
