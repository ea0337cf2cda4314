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

  it('429s halve it once per round of requests (not once per answer); the first holds new requests for the wait asked, later ones do not; then it grows by one per round', async () => {
    const waits: number[] = []
    let resume: () => void = () => {}
    const gate = new AdaptiveGate({
      max: 32,
      // the clock stands still: no answer takes time, so the pace needs a window of one
      now: () => 0,
      sleep(ms) {
        waits.push(ms)
        return ms === 2000 ? new Promise((resolve) => (resume = resolve)) : Promise.resolve()
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
    expect(gate.rate, 'the 12 admitted in the second before, a little under').to.be.closeTo(12 * 0.97, 0.01)
    expect(fleet.inFlight, 'nothing new starts during the wait').to.equal(0)
    resume()
    await settled()
    expect(fleet.inFlight).to.equal(8)
    await fleet.round({status: 429, waitMs: 2000})
    expect(gate.current, 'a round sent after the halving, refused again: halved again').to.equal(4)
    expect(
      waits.filter((ms) => ms >= 1000),
      'with a pace known, a 429 holds only its own request',
    ).to.deep.equal([2000])
    expect(fleet.inFlight).to.equal(4)
    await fleet.round()
    expect(gate.current, 'after slow start: +1 per round').to.equal(5)
    await fleet.round()
    expect(gate.current).to.equal(6)
    expect(fleet.inFlight).to.equal(6)
  })

  it('other failures neither grow nor shrink it; a refusing service still gets one request at a time', async () => {
    const gate = new AdaptiveGate({initial: 2, max: 8, now: () => 0, sleep: async () => {}})
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

  describe('pacing, against a simulated token bucket on a fake clock', () => {
    it('converges on the rate the service allows: one pause (the first 429), then nearly all of the rate with few 429s', async () => {
      const sim = new Simulation()
      const gateWaits: number[] = []
      const gate = new AdaptiveGate({max: 32, now: sim.now, sleep: (ms) => (gateWaits.push(ms), sim.sleep(ms))})
      const bucket = tokenBucket(sim, {latencyMs: 20, rps: 100})
      const run = await sim.run(fleet(sim, gate, bucket.call, 3000))
      const efficiency = 3000 / 100 / (sim.time / 1000)
      expect(efficiency, `3000 requests in ${sim.time} ms`).to.be.at.least(0.95)
      expect(gate.rate).to.be.within(93, 104)
      expect(
        gateWaits.filter((ms) => ms >= 1000),
        'only the first 429 paused everything',
      ).to.deep.equal([1000])
      expect(run.refused, 'a few 429s while it learns and probes').to.be.below(150)
      expect(bucket.admitted).to.equal(3000)
    })

    it('converges on faster services too, with the window growing to what the pace needs', async () => {
      for (const rps of [40, 300]) {
        const sim = new Simulation()
        const gate = new AdaptiveGate({max: 32, now: sim.now, sleep: sim.sleep})
        const bucket = tokenBucket(sim, {latencyMs: 30, rps})
        // long enough for a first guess too high (what the full bucket gave at first) to be corrected
        const requests = rps * 40
        await sim.run(fleet(sim, gate, bucket.call, requests))
        expect(requests / rps / (sim.time / 1000), `${rps} RPS`).to.be.at.least(0.95)
        expect(gate.rate, `${rps} RPS`).to.be.within(rps * 0.9, rps * 1.1)
      }
    })

    it('never cuts the window below what the pace needs at the latency seen, and never lifts it above --concurrency', async () => {
      const sim = new Simulation()
      const gate = new AdaptiveGate({max: 32, now: sim.now, sleep: sim.sleep})
      const bucket = tokenBucket(sim, {latencyMs: 40, rps: 100})
      const windows: number[] = []
      bucket.onAnswer = () => gate.rate !== undefined && windows.push(gate.current)
      await sim.run(fleet(sim, gate, bucket.call, 2000))
      // 100 a second at 40 ms is 4 in flight; the old halving went down to 1 or 2
      expect(Math.min(...windows)).to.be.at.least(8)

      const capped = new Simulation()
      const small = new AdaptiveGate({max: 3, now: capped.now, sleep: capped.sleep})
      const fast = tokenBucket(capped, {latencyMs: 50, rps: 1000})
      await capped.run(fleet(capped, small, fast.call, 500))
      expect(small.current).to.equal(3)
      expect(fast.highest).to.equal(3)
    })

    it('a one-off 429 once paced holds only the refused request; the rest keep the pace', async () => {
      const sim = new Simulation()
      const gateWaits: number[] = []
      const gate = new AdaptiveGate({max: 32, now: sim.now, sleep: (ms) => (gateWaits.push(ms), sim.sleep(ms))})
      const bucket = tokenBucket(sim, {latencyMs: 20, rps: 100})
      await sim.run(fleet(sim, gate, bucket.call, 1500))
      const before = bucket.admitted
      bucket.refuseNext = 1
      const later = fleet(sim, gate, bucket.call, 200)
      await sim.run(sim.sleep(1000))
      expect(bucket.admitted - before, 'the second after the 429: still paced, not paused').to.be.at.least(90)
      const {refused} = await sim.run(later)
      expect(refused).to.be.at.least(1)
      expect(gateWaits.filter((ms) => ms >= 1000)).to.deep.equal([1000])
    })

    it('a pace learnt far too low (the very first request refused) comes back up within seconds', async () => {
      const sim = new Simulation()
      const gate = new AdaptiveGate({max: 32, now: sim.now, sleep: sim.sleep})
      const bucket = tokenBucket(sim, {latencyMs: 20, rps: 100})
      bucket.refuseNext = 1
      let firstRate: number | undefined
      let backAt: number | undefined
      bucket.onAnswer = () => {
        firstRate ??= gate.rate
        if (backAt === undefined && (gate.rate ?? 0) >= 90) backAt = sim.time
      }
      await sim.run(fleet(sim, gate, bucket.call, 3000))
      expect(firstRate, 'three admitted in the second before the 429').to.be.below(5)
      expect(backAt).to.be.below(20_000)
    })

    it('an abort rejects the requests waiting for the pace, and any new one, with its reason', async () => {
      const sim = new Simulation()
      const controller = new AbortController()
      const gate = new AdaptiveGate({abort: controller.signal, max: 32, now: sim.now, sleep: sim.sleep})
      const bucket = tokenBucket(sim, {latencyMs: 20, rps: 100})
      await sim.run(fleet(sim, gate, bucket.call, 300))
      expect(gate.rate).to.be.above(50)
      const waiting = Array.from({length: 10}, () =>
        gate.run(bucket.call, rateLimited).then(
          () => 'ran',
          (error: unknown) => error,
        ),
      )
      await settled()
      const reason = new Error('SIGINT')
      controller.abort(reason)
      const outcomes = await sim.run(Promise.all(waiting))
      expect(outcomes.filter((outcome) => outcome === reason).length, 'most were waiting for the pace').to.be.at.least(
        8,
      )
      expect(outcomes.every((outcome) => outcome === 'ran' || outcome === reason)).to.equal(true)
      const late = await gate.run(bucket.call, rateLimited).catch((error: unknown) => error)
      expect(late).to.equal(reason)
    })
  })
})

/**
 * A fake clock and the timers on it: `run` fires them in time order, letting every promise callback
 * run after each, until what it was given settles. Nothing waits for real.
 */
class Simulation {
  time = 0
  private timers: Array<{at: number; order: number; fire: () => void}> = []
  private order = 0
  readonly now = () => this.time
  readonly sleep = (ms: number) => new Promise<void>((resolve) => this.after(ms, resolve))

  after(ms: number, fire: () => void): void {
    this.timers.push({at: this.time + Math.max(0, ms), fire, order: this.order++})
  }

  async run<T>(until: Promise<T>): Promise<T> {
    let done = false
    const result = until.finally(() => (done = true))
    await settled()
    while (!done) {
      if (this.timers.length === 0) throw new Error('the simulation is stuck: nothing is due and nothing is done')
      this.timers.sort((a, b) => a.at - b.at || a.order - b.order)
      const next = this.timers.shift()!
      this.time = next.at
      next.fire()
      await settled()
    }

    return result
  }
}

/**
 * A service limited as the sandbox limits one: a bucket of one second's tokens, full at first and
 * refilled continuously; a request that finds none is refused (429, Retry-After 1 s) and costs none.
 * Answers take `latencyMs` plus a few ms of jitter.
 */
function tokenBucket(sim: Simulation, {latencyMs, rps}: {latencyMs: number; rps: number}) {
  let tokens = rps
  let last = 0
  let inFlight = 0
  let sent = 0
  const bucket = {
    admitted: 0,
    highest: 0,
    onAnswer: () => {},
    refuseNext: 0,
    call: () =>
      new Promise<void>((resolve, reject) => {
        tokens = Math.min(rps, tokens + ((sim.time - last) * rps) / 1000)
        last = sim.time
        const admitted = tokens >= 1 && bucket.refuseNext === 0
        if (admitted) {
          tokens -= 1
          bucket.admitted += 1
        } else bucket.refuseNext = Math.max(0, bucket.refuseNext - 1)
        inFlight += 1
        bucket.highest = Math.max(bucket.highest, inFlight)
        sent += 1
        sim.after(latencyMs + ((sent * 7) % 5), () => {
          inFlight -= 1
          bucket.onAnswer()
          if (admitted) resolve()
          else reject(Object.assign(new Error('HTTP 429'), {status: 429, waitMs: 1000}))
        })
      }),
  }
  return bucket
}

/** `count` requests through the gate, 32 at a time as relink --all sends them, each sent again after its 429's wait. */
async function fleet(sim: Simulation, gate: AdaptiveGate, call: () => Promise<void>, count: number) {
  let refused = 0
  await mapLimit(Array.from({length: count}), 32, async () => {
    for (;;) {
      try {
        return await gate.run(call, rateLimited)
      } catch (error) {
        refused += 1
        await sim.sleep((error as {waitMs: number}).waitMs)
      }
    }
  })
  return {refused}
}

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
