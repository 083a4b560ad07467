import {
  type CodecSchemas,
  KNOWN_SCHEMAS,
  SCHEMA_HISTORY,
  type SchemaTopic,
  type SchemaVersion,
} from '@adpulse/events'
import { type SchemaRegistryClient, SchemaRegistryError } from './registry-client.ts'

/**
 * The schemas of one process: a table id → schema that the codecs read, and
 * the ids this process writes with. Without a registry it is the built-in
 * table; with one, it also holds the registry's ids, learnt at start and on
 * demand for ids written by others.
 */
export interface SchemaCatalog {
  events: CodecSchemas
  signals: CodecSchemas
  audiences: CodecSchemas
  /**
   * Makes sure the table knows a writer's schema id, asking the registry when
   * there is one. False when nobody knows the id (the record is then poison).
   */
  resolve(id: number): Promise<boolean>
}

export interface SubjectNames {
  events: string
  signals: string
  audiences: string
}

/** The built-in table (packages/events/src/schemas.ts), for a process without a registry. */
export function builtInCatalog(): SchemaCatalog {
  const table = new Map(KNOWN_SCHEMAS)
  const latest = (versions: readonly SchemaVersion[]) => (versions[versions.length - 1] as SchemaVersion).id
  return {
    events: { table, writerId: latest(SCHEMA_HISTORY.events) },
    signals: { table, writerId: latest(SCHEMA_HISTORY.signals) },
    audiences: { table, writerId: latest(SCHEMA_HISTORY.audiences) },
    resolve: async (id) => table.has(id),
  }
}

/**
 * Registers every version of the events and signals schemas under its subject
 * (Confluent's TopicNameStrategy: `<topic>-value`), oldest first, so the
 * registry's compatibility check sees the history; records are then written
 * with the registry's id of the newest version.
 */
export async function registryCatalog(
  client: SchemaRegistryClient,
  subjects: SubjectNames,
  history: Readonly<Record<SchemaTopic, readonly SchemaVersion[]>> = SCHEMA_HISTORY,
): Promise<SchemaCatalog> {
  const table = new Map<number, object>()
  const registerAll = async (subject: string, versions: readonly SchemaVersion[]) => {
    let writerId = -1
    for (const version of versions) {
      writerId = await client.register(subject, version.schema)
      table.set(writerId, version.schema)
    }
    return writerId
  }
  const events = await registerAll(subjects.events, history.events)
  const signals = await registerAll(subjects.signals, history.signals)
  const audiences = await registerAll(subjects.audiences, history.audiences)
  const pending = new Map<number, Promise<boolean>>()
  return {
    events: { table, writerId: events },
    signals: { table, writerId: signals },
    audiences: { table, writerId: audiences },
    resolve(id) {
      if (table.has(id)) return Promise.resolve(true)
      let lookup = pending.get(id)
      if (!lookup) {
        lookup = client.schemaById(id).then(
          (schema) => {
            table.set(id, schema)
            return true
          },
          (err: unknown) => {
            pending.delete(id)
            if (err instanceof SchemaRegistryError && err.code === 'NOT_FOUND') return false
            throw err
          },
        )
        pending.set(id, lookup)
      }
      return lookup
    },
  }
}
