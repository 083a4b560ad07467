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
  const backward = readProblem(newerType, olderType)
  if (backward) return { direction: 'backward', detail: backward }
  const forward = readProblem(olderType, newerType)
  return forward ? { direction: 'forward', detail: forward } : null
}

/**
 * Why `reader` cannot read records of `writer`, or null when it can. avsc's
 * own message does not always say where ("cannot read "long" as "string""):
 * for records, the first field that fails is named, and what it lacks.
 */
function readProblem(reader: avro.Type, writer: avro.Type): string | null {
  try {
    reader.createResolver(writer)
    return null
  } catch (err) {
    return fieldProblem(reader, writer) ?? (err as Error).message
  }
}

function fieldProblem(reader: avro.Type, writer: avro.Type): string | null {
  if (!(reader instanceof avro.types.RecordType) || !(writer instanceof avro.types.RecordType)) return null
  for (const field of reader.fields) {
    const written = [field.name, ...field.aliases].map((name) => writer.field(name)).find(Boolean)
    if (!written) {
      if (field.defaultValue() !== undefined) continue
      return `field "${field.name}" has no default, and records written without it cannot be read`
    }
    const problem = readProblem(field.type, written.type)
    if (problem) return `field "${field.name}": ${symbolProblem(field.type, written.type) ?? problem}`
  }
  return null
}

/** An enum without a default cannot read a symbol it does not have. */
function symbolProblem(reader: avro.Type, writer: avro.Type): string | null {
  if (!(reader instanceof avro.types.EnumType) || !(writer instanceof avro.types.EnumType)) return null
  const unknown = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol))
  if (unknown.length === 0) return null
  return `the writer's symbols ${unknown.map((s) => JSON.stringify(s)).join(', ')} are not in the reader's enum, which has no default`
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
