import {expect} from 'chai'

import {AdaptiveGate, mapLimit} from '../../src/lib/concurrency.js'

type Answer = 'ok' | {status: 429; waitMs: number} | {status: 500}
const rateLimited = (error: unknown) =>
  (error as {status?: number}).status === 429 ? (error as {waitMs: number}).waitMs : undefined

/** Requests that answer only when the test says so: the test is the service and its clock. */
function service(gate: AdaptiveGate, count: number) {
  const pending: Array<(answer: Answer) => void> = []
  let inFlight = 0
  let highest = 0
  const outcomes = Array.from({length: count}, () =>
    gate
      .run(
        () =>
          new Promise<void>((resolve, reject) => {
            inFlight += 1
            highest = Math.max(highest, inFlight)
            pending.push((answer) => {
              inFlight -= 1
              if (answer === 'ok') resolve()
              else reject(Object.assign(new Error(`HTTP ${answer.status}`), answer))
            })
          }),
        rateLimited,
      )
      .then(
        () => 'ok',
        () => 'failed',
      ),
  )
  return {
    done: Promise.all(outcomes),
    get highest() {
      return highest
    },
    get inFlight() {
      return inFlight
    },
    /** Answers every request in flight with `answer`, and lets the next ones start; returns how many it answered. */
    async round(answer: Answer = 'ok'): Promise<number> {
      const answered = pending.splice(0)
      for (const finish of answered) finish(answer)
      await settled()
      return answered.length
    },
  }
}

/** Lets every promise callback that is ready run (no timer involved). */
const settled = () => new Promise((resolve) => setImmediate(resolve))

describe('adaptive concurrency (AdaptiveGate)', () => {
  it('starts at 4 and doubles each healthy round up to --concurrency (slow start)', async () => {
    const gate = new AdaptiveGate({max: 32})
    const fleet = service(gate, 100)
    await settled()
    const rounds: number[] = []
    while (fleet.inFlight > 0) rounds.push(await fleet.round())
    expect(await fleet.done).to.deep.equal(Array.from({length: 100}, () => 'ok'))
    expect(rounds).to.deep.equal([4, 8, 16, 32, 32, 8])
    expect(gate.peak).to.equal(32)
  })

  it('never runs more than the cap, however healthy', async () => {
    const gate = new AdaptiveGate({initial: 8, max: 3})
    const fleet = service(gate, 20)
    await settled()
    while (fleet.inFlight > 0) await fleet.round()
    expect(fleet.highest).to.equal(3)
    expect(gate.current).to.equal(3)
  })

  it('429s halve it once per round of requests (not once per answer), hold new requests for the wait asked, then it grows by one per round', async () => {
    const waits: number[] = []
    let resume: () => void = () => {}
    const gate = new AdaptiveGate({
      max: 32,
      sleep(ms) {
        waits.push(ms)
        return new Promise((resolve) => (resume = resolve))
      },
    })
    const fleet = service(gate, 200)
    await settled()
    await fleet.round() // 4 healthy: 8
    await fleet.round() // 8 healthy: 16
    expect(gate.current).to.equal(16)
    expect(await fleet.round({status: 429, waitMs: 2000})).to.equal(16)
    expect(gate.current, 'sixteen 429s from one round: one halving').to.equal(8)
    expect(waits).to.deep.equal([2000])
    expect(fleet.inFlight, 'nothing new starts during the wait').to.equal(0)
    resume()
    await settled()
    expect(fleet.inFlight).to.equal(8)
    await fleet.round({status: 429, waitMs: 0})
    expect(gate.current, 'a round sent after the halving, refused again: halved again').to.equal(4)
    await fleet.round()
    expect(gate.current, 'after slow start: +1 per round').to.equal(5)
    await fleet.round()
    expect(gate.current).to.equal(6)
    expect(fleet.inFlight).to.equal(6)
  })

  it('other failures neither grow nor shrink it; a refusing service still gets one request at a time', async () => {
    const gate = new AdaptiveGate({initial: 2, max: 8})
    const fleet = service(gate, 12)
    await settled()
    await fleet.round({status: 500})
    expect(gate.current).to.equal(2)
    for (let round = 0; round < 3; round += 1) await fleet.round({status: 429, waitMs: 0})
    expect(gate.current).to.equal(1)
    expect(fleet.inFlight).to.equal(1)
    while (fleet.inFlight > 0) await fleet.round()
    expect((await fleet.done).filter((outcome) => outcome === 'failed')).to.have.length(6)
  })
})

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0
    let peak = 0
    const results = await mapLimit([50, 10, 30, 20, 40], 2, async (ms) => {
      running += 1
      peak = Math.max(peak, running)
      // different durations only shuffle the finishing order; no assertion depends on them
      await new Promise((resolve) => setTimeout(resolve, ms))
      running -= 1
      return ms * 2
    })
    expect(results).to.deep.equal([100, 20, 60, 40, 80])
    expect(peak).to.equal(2)
  })
})
