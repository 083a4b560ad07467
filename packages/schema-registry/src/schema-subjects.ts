import { SCHEMA_HISTORY, type SchemaTopic, type SchemaVersion } from '@adpulse/events'
import type { SubjectNames } from './schema-catalog.ts'

/** The topics whose value schemas adpulse publishes. */
export interface SchemaTopics {
  events: string
  signals: string
  audiences: string
}

/** Confluent's TopicNameStrategy: a topic's value schemas live under the subject `<topic>-value`. */
export function topicSubjects(topics: SchemaTopics): SubjectNames {
  return {
    events: `${topics.events}-value`,
    signals: `${topics.signals}-value`,
    audiences: `${topics.audiences}-value`,
  }
}

/** One version of a subject, as `GET /subjects/{subject}/versions/{version}` answers it. */
export interface SubjectVersion {
  subject: string
  /** 1 for the oldest published version, counting up. */
  version: number
  /** The global schema id written in every record's frame. */
  id: number
  schema: object
}

/**
 * adpulse's own schemas as a read-only Confluent Schema Registry holds them:
 * each topic's value subject with its versions in publication order, and the
 * global ids the records are framed with.
 */
export interface SchemaSubjects {
  /** Every subject, sorted. */
  subjects: readonly string[]
  /** The versions of a subject, oldest first; undefined for an unknown subject. */
  versionsOf(subject: string): readonly SubjectVersion[] | undefined
  /** The schema of a global id; undefined for an unknown id. */
  schemaById(id: number): object | undefined
}

/**
 * The subjects of SCHEMA_HISTORY under the given names: version n of a subject
 * is the n-th published schema of its topic, its id the one in the history.
 */
export function schemaSubjects(
  names: SubjectNames,
  history: Readonly<Record<SchemaTopic, readonly SchemaVersion[]>> = SCHEMA_HISTORY,
): SchemaSubjects {
  const bySubject = new Map<string, SubjectVersion[]>()
  const byId = new Map<number, object>()
  for (const topic of ['events', 'signals', 'audiences'] as const) {
    const subject = names[topic]
    // A topic without a published schema has no subject (as in a registry).
    if (history[topic].length === 0) continue
    const versions = history[topic].map((v, i) => ({ subject, version: i + 1, id: v.id, schema: v.schema }))
    bySubject.set(subject, versions)
    for (const v of versions) byId.set(v.id, v.schema)
  }
  return {
    subjects: [...bySubject.keys()].sort(),
    versionsOf: (subject) => bySubject.get(subject),
    schemaById: (id) => byId.get(id),
  }
}
