import {expect} from 'chai'

import {forEachStreamed} from '../../src/lib/fleet.js'

/** A list of `count` numbers served `size` at a time, recording what was read and whether it was closed. */
function list(count: number, size: number, failAt?: number) {
  const seen = {batchesRead: 0, closed: false}
  async function* batches(): AsyncGenerator<number[]> {
    try {
      for (let start = 0; start < count; start += size) {
        await Promise.resolve()
        if (failAt !== undefined && start >= failAt) throw new Error('the list failed')
        seen.batchesRead += 1
        yield Array.from({length: Math.min(size, count - start)}, (_, index) => start + index)
      }
    } finally {
      seen.closed = true
    }
  }

  return {batches, seen}
}

/** A work function whose calls wait until the test lets them go, so "in flight" is exact. */
function gatedWork() {
  const started: number[] = []
  const finished: number[] = []
  const waiting: Array<() => void> = []
  let inFlight = 0
  let peak = 0
  const work = async (item: number) => {
    started.push(item)
    inFlight += 1
    peak = Math.max(peak, inFlight)
    await new Promise<void>((resolve) => waiting.push(resolve))
    inFlight -= 1
    finished.push(item)
  }

  const settle = async () => {
    for (let turn = 0; turn < 20; turn += 1) await Promise.resolve()
  }

  return {
    finished,
    peak: () => peak,
    run: work,
    release: async (count = Infinity) => {
      for (let released = 0; released < count && waiting.length > 0; released += 1) waiting.shift()!()
      await settle()
    },
    settle,
    started,
  }
}

describe('forEachStreamed', () => {
  it('works through every item of every batch, at most `limit` at once, in list order', async () => {
    const {batches, seen} = list(25, 10)
    const order: number[] = []
    let inFlight = 0
    let peak = 0
    const outcome = await forEachStreamed(
      batches(),
      4,
      async (item) => {
        inFlight += 1
        peak = Math.max(peak, inFlight)
        order.push(item)
        await new Promise((resolve) => setImmediate(resolve))
        inFlight -= 1
      },
      {abort: new AbortController().signal},
    )
    expect(outcome).to.deep.equal({complete: true, unstarted: []})
    expect(order).to.deep.equal(Array.from({length: 25}, (_, index) => index))
    expect(peak).to.equal(4)
    expect(seen).to.deep.equal({batchesRead: 3, closed: true})
  })

  it('reads the next batch only when the work is about to run short, not the whole list up front', async () => {
    const {batches, seen} = list(1000, 10)
    const work = gatedWork()
    const run = forEachStreamed(batches(), 4, (item) => work.run(item), {abort: new AbortController().signal})
    await work.settle()
    expect(work.started).to.deep.equal([0, 1, 2, 3])
    expect(seen.batchesRead, 'one batch, and one read ahead at most').to.be.at.most(2)
    await work.release()
    await work.release()
    expect(seen.batchesRead).to.be.at.most(3)
    // let the rest through
    while (work.finished.length < 1000) await work.release()
    await run
    expect(seen.batchesRead).to.equal(100)
  })

  it('once aborted starts nothing more, lets the work under way finish, and returns what was read but not started', async () => {
    const {batches, seen} = list(100, 10)
    const work = gatedWork()
    const abort = new AbortController()
    const run = forEachStreamed(batches(), 3, (item) => work.run(item), {abort: abort.signal})
    await work.settle()
    expect(work.started).to.deep.equal([0, 1, 2])
    abort.abort(new Error('SIGINT'))
    await work.release()
    const outcome = await run
    expect(work.finished.sort()).to.deep.equal([0, 1, 2])
    expect(work.started).to.have.length(3)
    expect(outcome.complete).to.equal(false)
    expect(outcome.unstarted[0]).to.equal(3)
    expect(outcome.unstarted.length).to.be.within(7, 17)
    expect(seen.closed, 'the list is closed, not read to its end').to.equal(true)
    expect(seen.batchesRead).to.be.at.most(2)
  })

  it('a list that fails to read fails the run, once the work under way has finished', async () => {
    const {batches} = list(100, 10, 20)
    const work = gatedWork()
    const run = forEachStreamed(batches(), 5, (item) => work.run(item), {abort: new AbortController().signal})
    let failed: Error | undefined
    run.catch((error: Error) => (failed = error))
    while (work.started.length < 20) await work.release(1)
    await work.settle()
    expect(failed, 'not while work is under way').to.equal(undefined)
    await work.release()
    await run.catch(() => {})
    expect(failed?.message).to.equal('the list failed')
    expect(work.finished).to.have.length(20)
  })

  it('an empty list is complete at once; onBatch hears each batch', async () => {
    const heard: number[] = []
    const empty = await forEachStreamed(list(0, 10).batches(), 4, async () => {}, {
      abort: new AbortController().signal,
      onBatch: (batch) => heard.push(batch.length),
    })
    expect(empty).to.deep.equal({complete: true, unstarted: []})
    await forEachStreamed(list(25, 10).batches(), 4, async () => {}, {
      abort: new AbortController().signal,
      onBatch: (batch) => heard.push(batch.length),
    })
    expect(heard).to.deep.equal([10, 10, 5])
  })
})
