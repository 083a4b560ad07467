import { describe, expect, it } from 'vitest'
import { chunksOf, OrderedSliceWriter } from './ordered-slices.ts'

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

describe('chunksOf', () => {
  it('cuts slices of exactly sliceSize records into chunks of at most chunkSize, the last slice shorter', () => {
    const items = range(23)
    const chunks = [...chunksOf(items, 10, 4)].map((c) => [c.records, c.endsSlice])
    expect(chunks).toEqual([
      [[0, 1, 2, 3], false],
      [[4, 5, 6, 7], false],
      [[8, 9], true],
      [[10, 11, 12, 13], false],
      [[14, 15, 16, 17], false],
      [[18, 19], true],
      [[20, 21, 22], true],
    ])
    // Taken off the array: nothing of the batch stays reachable through it.
    expect(items).toEqual([])
  })

  it('ends a slice on every chunk when chunks are as large as slices, and yields nothing for no records', () => {
    expect([...chunksOf(range(5), 2, 8)].map((c) => [c.records, c.endsSlice])).toEqual([
      [[0, 1], true],
      [[2, 3], true],
      [[4], true],
    ])
    expect([...chunksOf([], 2, 8)]).toEqual([])
  })

  it('sees the records the caller takes off meanwhile as gone (the array is consumed as it goes)', () => {
    const items = range(6)
    const seen: number[][] = []
    for (const { records } of chunksOf(items, 6, 2)) {
      seen.push(records)
      expect(items.length).toBe(6 - seen.flat().length)
    }
    expect(seen).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ])
  })
})

describe('OrderedSliceWriter', () => {
  /** A slice whose readiness, write and discard are logged; its write waits for `release`. */
  const slices = (log: string[]) => {
    const pending: Array<() => void> = []
    const ready = (rows: readonly number[]) => {
      log.push(`ready ${rows}`)
      return {
        write: () =>
          new Promise<void>((resolve) => {
            log.push(`write ${rows}`)
            pending.push(() => {
              log.push(`written ${rows}`)
              resolve()
            })
          }),
        discard: () => log.push(`discard ${rows}`),
      }
    }
    return { ready, release: () => pending.shift()?.() }
  }

  it('makes a slice ready while the one before is written, and writes it only once that one is acknowledged', async () => {
    const log: string[] = []
    const { ready, release } = slices(log)
    const writer = new OrderedSliceWriter(ready)
    await writer.start([1])
    const second = writer.start([2])
    await Promise.resolve()
    expect(log).toEqual(['ready 1', 'write 1', 'ready 2'])
    release()
    await second
    expect(log).toEqual(['ready 1', 'write 1', 'ready 2', 'written 1', 'write 2'])
    release()
    await writer.finish()
    expect(log.at(-1)).toBe('written 2')
  })

  it('discards a ready slice unsent when the one before failed, and throws that failure', async () => {
    const log: string[] = []
    const failed = new Error('insert refused')
    const writer = new OrderedSliceWriter(slices(log).ready, Promise.reject(failed))
    await expect(writer.start([1])).rejects.toBe(failed)
    expect(log).toEqual(['ready 1', 'discard 1'])
  })
})
