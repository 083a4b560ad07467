import { describe, expect, it } from 'vitest'
import { insertQueryIdPrefix, isFenceRefusal, PartitionFencedError, schemaStatements } from './index.ts'

/** As @clickhouse/client (or chDB through it) throws a refusal: `code` the number, `type` the name. */
const refusal = (type: string, message: string) => Object.assign(new Error(message), { code: '469', type })

describe('the writer fence', () => {
  it("recognises ClickHouse refusing a row for its writer's claim, and nothing else", () => {
    expect(
      isFenceRefusal(
        refusal(
          'VIOLATED_CONSTRAINT',
          'Constraint `writer_holds_partition` for table adpulse.events_raw is violated at row 1.',
        ),
      ),
    ).toBe(true)
    expect(isFenceRefusal(refusal('VIOLATED_CONSTRAINT', 'Constraint `other` is violated'))).toBe(false)
    expect(isFenceRefusal(refusal('UNKNOWN_TABLE', 'writer_holds_partition'))).toBe(false)
    expect(isFenceRefusal(undefined)).toBe(false)
  })

  it('is final: no retry can pass it', () => {
    const err = new PartitionFencedError('events', 3)
    expect(err).toMatchObject({ code: 'PARTITION_FENCED', retriable: false, stopsRetries: true })
    expect(err.message).toContain('events/3')
  })

  it('names the inserts of a partition apart from those of a partition whose number starts the same', () => {
    expect(`${insertQueryIdPrefix('events', 10)}x`.startsWith(insertQueryIdPrefix('events', 1))).toBe(false)
  })

  it('creates the claim table and the constraint on every server of a cluster', () => {
    // Steps 14 and 15, after the two setup statements.
    const [claims, constraint] = schemaStatements('adpulse', { cluster: 'c' }).slice(2 + 13, 2 + 15)
    expect(claims).toContain("partition_writers ON CLUSTER 'c'")
    expect(claims).toContain('ENGINE = Join(ANY, LEFT, topic, partition)')
    expect(constraint).toContain("events_raw ON CLUSTER 'c'")
    expect(constraint).toContain("joinGet('adpulse.partition_writers', 'writer', topic, partition)")
  })
})
