import avro from 'avsc'

/** Why one schema cannot read records of another, or null when it can. */
export type Incompatibility = { direction: 'backward' | 'forward'; detail: string } | null

/**
 * Full compatibility of two versions of one record (the Confluent `FULL`
 * level): the newer reader reads records of the older writer (backward) and
 * the older reader reads records of the newer writer (forward). Checked with
 * avsc's schema resolution, the same the codecs use to read.
 */
export function checkFullCompatibility(older: object, newer: object): Incompatibility {
  const olderType = avro.Type.forSchema(older as avro.Schema)
  const newerType = avro.Type.forSchema(newer as avro.Schema)
  try {
    newerType.createResolver(olderType)
  } catch (err) {
    return { direction: 'backward', detail: (err as Error).message }
  }
  try {
    olderType.createResolver(newerType)
  } catch (err) {
    return { direction: 'forward', detail: (err as Error).message }
  }
  return null
}

/** Every incompatible pair among the versions of one subject, all pairs, not just neighbours. */
export function incompatiblePairs(
  versions: readonly { id: number; schema: object }[],
): Array<{ older: number; newer: number; problem: NonNullable<Incompatibility> }> {
  const problems: Array<{ older: number; newer: number; problem: NonNullable<Incompatibility> }> = []
  versions.forEach((older, i) => {
    for (const newer of versions.slice(i + 1)) {
      const problem = checkFullCompatibility(older.schema, newer.schema)
      if (problem) problems.push({ older: older.id, newer: newer.id, problem })
    }
  })
  return problems
}
