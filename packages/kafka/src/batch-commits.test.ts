import { describe, expect, it } from 'vitest'
import { BatchCommits } from './batch-commits.ts'

/** A promise settled from outside, like a batch's writes. */
function deferred() {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

function recorder() {
  const committed: string[] = []
  const rewound: string[] = []
  const commits = new BatchCommits(
    async (topic, partition, next) => {
      committed.push(`${topic}/${partition}@${next}`)
    },
    (topic, partition, offset) => rewound.push(`${topic}/${partition}@${offset}`),
  )
  return { commits, committed, rewound }
}

describe('BatchCommits', () => {
  it("commits a partition's batches in order, each once its writes are done", async () => {
    const { commits, committed } = recorder()
    const first = deferred()
    const second = deferred()
    const a = commits.add('t', 0, '0', '10', first.promise)
    const b = commits.add('t', 0, '10', '20', second.promise)
    // The later batch's writes end first: its commit still waits for the earlier one.
    second.resolve()
    await Promise.resolve()
    expect(committed).toEqual([])
    first.resolve()
    await Promise.all([a, b])
    expect(committed).toEqual(['t/0@10', 't/0@20'])
  })

  it('after a failed write commits nothing more of the partition, rewinds it to after its last commit, and throws once', async () => {
    const { commits, committed, rewound } = recorder()
    const failure = new Error('insert failed')
    const other = commits.add('t', 1, '0', '5', Promise.resolve())
    await commits.add('t', 0, '0', '10', Promise.resolve())
    const failed = commits.add('t', 0, '10', '20', Promise.reject(failure))
    const after = commits.add('t', 0, '20', '30', Promise.resolve())
    await Promise.all([failed, after, other])
    expect(committed).toEqual(['t/1@5', 't/0@10'])
    expect(rewound).toEqual(['t/0@10'])
    expect(() => commits.throwIfFailed('t', 0)).toThrow(failure)
    expect(() => commits.throwIfFailed('t', 0)).not.toThrow()
    expect(() => commits.throwIfFailed('t', 1)).not.toThrow()
  })

  it('rewinds to the first batch in hand when nothing of the partition was committed yet', async () => {
    const { commits, rewound } = recorder()
    await commits.add('t', 0, '40', '50', Promise.reject(new Error('fenced')))
    expect(rewound).toEqual(['t/0@40'])
  })

  it('treats a failed commit as a failure of the partition', async () => {
    const rewound: string[] = []
    const refused = new Error('REBALANCE_IN_PROGRESS')
    const commits = new BatchCommits(
      async () => {
        throw refused
      },
      (_topic, _partition, offset) => rewound.push(offset),
    )
    await commits.add('t', 0, '0', '10', Promise.resolve())
    expect(rewound).toEqual(['0'])
    expect(() => commits.throwIfFailed('t', 0)).toThrow(refused)
  })

  it('gives up what an earlier assignment left in hand: nothing of it is committed after a reset', async () => {
    const { commits, committed, rewound } = recorder()
    const writes = deferred()
    const before = commits.add('t', 0, '0', '10', writes.promise)
    commits.reset()
    writes.resolve()
    await before
    expect(committed).toEqual([])
    expect(rewound).toEqual([])
    await commits.add('t', 0, '0', '10', Promise.resolve())
    expect(committed).toEqual(['t/0@10'])
  })

  it('waits for every commit in hand when settling', async () => {
    const { commits, committed } = recorder()
    const writes = deferred()
    void commits.add('t', 0, '0', '10', writes.promise)
    let settled = false
    const done = commits.settled().then(() => {
      settled = true
    })
    await Promise.resolve()
    expect(settled).toBe(false)
    writes.resolve()
    await done
    expect(committed).toEqual(['t/0@10'])
  })
})
