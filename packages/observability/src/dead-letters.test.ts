import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { deadLetterCounter } from './dead-letters.ts'

const valuesOf = async (registry: Registry) => {
  const metric = await registry.getSingleMetric('adpulse_dead_letters_total')?.get()
  return Object.fromEntries(
    (metric?.values ?? []).map((v) => [`${v.labels.stage}/${v.labels.reason}`, v.value]),
  )
}

describe('deadLetterCounter', () => {
  it('is one counter that several stages of one process share', async () => {
    const registry = new Registry()
    const ingest = deadLetterCounter(registry, 'ingest', ['too_late'])
    const processor = deadLetterCounter(registry, 'processor', ['poison_record'])
    ingest('too_late', 3)
    ingest('invalid_event')
    processor('poison_record', 0)
    expect(await valuesOf(registry)).toEqual({
      'ingest/too_late': 3,
      'ingest/invalid_event': 1,
      'processor/poison_record': 0,
    })
  })

  it('exports the initial reasons at 0 before any dead letter', async () => {
    const registry = new Registry()
    deadLetterCounter(registry, 'ingest', ['too_late', 'too_far_in_future'])
    expect(await valuesOf(registry)).toEqual({ 'ingest/too_late': 0, 'ingest/too_far_in_future': 0 })
  })
})
