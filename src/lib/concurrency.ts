// Work on many items at once: mapLimit, a fixed number at a time; and AdaptiveGate, which decides
// when a fleet command's requests go out. Until the service first refuses one (429), it finds a
// concurrency window as TCP does: it starts small and doubles after each round of healthy answers;
// the first 429 holds every new request for the wait it asks for. A 429 also shows the service's
// rate: what it admitted in the second before (or, when an earlier 429 came within that second, what
// it admitted between the two: all it refilled), counted once the requests sent before have their
// answers. From then on requests START at a pace a little under that rate, which creeps up while the
// pace holds requests back and answers stay healthy, and is learnt again at each new 429 (once for
// all the requests already out when it was last learnt: their 429s say nothing new). Such a 429
// makes only the refused request wait (withRetries, in http.ts, waits before sending it again); the
// others keep the pace. The window still grows by one per healthy round and halves on a new 429, but
// never below what the pace needs at the latency seen, and `max` (--concurrency) caps it throughout.
import {waiting} from './http.js'

/** The cap when --concurrency is not given. */
export const MAX_CONCURRENCY = 32

export interface GateOptions {
  /** The most requests at once. */
  max: number
  /** How many go out before any answer is seen. */
  initial?: number
  /** Waits out the first Retry-After, and the spacing between paced starts; tests pass a fake. */
  sleep?: (ms: number) => Promise<void>
  /** Once aborted (a signal arrived), no request starts: waiting ones throw its reason. */
  abort?: AbortSignal
  /** A monotonic clock in milliseconds; tests pass a fake that their `sleep` moves on. */
  now?: () => number
}

/** How far under the rate it learnt the gate paces: a service's own timing wobbles. */
const PACE_MARGIN = 0.97
/**
 * While the pace holds requests back and answers are healthy, it grows by this share of itself per
 * second, a share that doubles every PROBE_DOUBLING_MS since the pace was learnt (up to
 * MAX_PROBE_PER_SECOND): slowly just after a 429, yet a pace learnt far too low (a 429 met while the
 * fleet was sending little, or caused by another client) comes back within seconds.
 */
const PROBE_PER_SECOND = 0.01
const PROBE_DOUBLING_MS = 2000
const MAX_PROBE_PER_SECOND = 0.5
/** The span over which admitted requests are counted (a token bucket holds about a second's worth). */
const WINDOW_MS = 1000
/** The shortest span between two 429s that measures the rate well enough. */
const MIN_SPAN_MS = 500
/** Starts a late timer delayed may be made up at once, so that timer lateness does not slow the pace. */
const CATCH_UP_MS = 50
/** The slowest pace, in requests per second: a service that admits nothing is still asked now and then. */
const MIN_PACE = 1

interface Waiter {
  go: () => void
  stop: (reason: unknown) => void
}

export class AdaptiveGate {
  private limit: number
  private running = 0
  private readonly queue: Waiter[] = []
  private slowStart = true
  /** Healthy answers since the limit last changed: a round is `limit` of them. */
  private healthyInRound = 0
  /** Bumped at each 429 that teaches something: a 429 to a request sent before it says nothing new. */
  private generation = 0
  private paused: Promise<void> | undefined
  /** Requests per second, once a 429 has shown the service's rate. */
  private pace: number | undefined
  /** When the next request may start, at the pace. */
  private nextStart = 0
  /** A paced start whose wait is over, whatever the clock says (a fake sleep need not move it). */
  private due = false
  private pacing: Promise<void> | undefined
  private lastProbe = 0
  private learntAt = 0
  /** When the request started whose 429 the pace is to be learnt from, once those before it are answered. */
  private refusedAt: number | undefined
  /** When the requests in flight started. */
  private readonly inFlight: number[] = []
  /** A moving average of how long a healthy answer takes, in ms. */
  private latencyMs: number | undefined
  /** When the requests the service acted on (any answer but a 429) started, over the last seconds. */
  private readonly admitted: number[] = []
  /** When the refused requests started, over the last seconds: the service had nothing to give then. */
  private readonly refusals: number[] = []
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>
  /** The highest limit reached, for reports. */
  peak: number

  constructor(private readonly options: GateOptions) {
    this.limit = Math.max(1, Math.min(options.initial ?? 4, options.max))
    this.peak = this.limit
    this.now = options.now ?? (() => performance.now())
    this.sleep = options.sleep ?? ((ms) => waiting.sleep(ms))
    options.abort?.addEventListener('abort', () => {
      for (const waiter of this.queue.splice(0)) waiter.stop(options.abort!.reason)
    })
  }

  /** How many requests may be in flight now. */
  get current(): number {
    return this.limit
  }

  /** The pace in requests per second, once a 429 has shown the service's rate; undefined before. */
  get rate(): number | undefined {
    return this.pace
  }

  /**
   * Runs `request` once a slot is free, no pause is on and the pace allows, holding the slot until
   * it settles. `rateLimited` tells a refusal to slow down from other failures: the wait asked for,
   * in ms (0 if none was named), or undefined. A success counts as a healthy answer; other failures
   * count for nothing but the rate the service admits.
   */
  async run<T>(request: () => Promise<T>, rateLimited: (error: unknown) => number | undefined): Promise<T> {
    await this.acquire()
    const generation = this.generation
    const started = this.now()
    this.inFlight.push(started)
    try {
      const value = await request()
      this.record(this.admitted, started)
      this.healthy(started)
      return value
    } catch (error) {
      const wait = rateLimited(error)
      if (wait === undefined) this.record(this.admitted, started)
      else this.refused(started, wait, generation)
      throw error
    } finally {
      this.inFlight.splice(this.inFlight.indexOf(started), 1)
      this.learnWhenAnswered()
      this.running -= 1
      this.pump()
    }
  }

  private healthy(started: number): void {
    const now = this.now()
    this.latencyMs = this.latencyMs === undefined ? now - started : this.latencyMs * 0.9 + (now - started) * 0.1
    if (this.pace !== undefined) {
      // probe only while the pace is what holds requests back: an idle gate learns nothing by it
      const share = Math.min(MAX_PROBE_PER_SECOND, PROBE_PER_SECOND * 2 ** ((now - this.learntAt) / PROBE_DOUBLING_MS))
      if (this.queue.length > 0) this.pace *= 1 + (share * Math.min(WINDOW_MS, now - this.lastProbe)) / 1000
      this.lastProbe = now
    }

    this.healthyInRound += 1
    const roundOver = this.healthyInRound >= this.limit
    if (roundOver) this.healthyInRound = 0
    // the floor may have risen with the pace or the latency, even when the round is not over
    this.setLimit(roundOver ? (this.slowStart ? this.limit * 2 : this.limit + 1) : this.limit)
  }

  private refused(started: number, waitMs: number, sentIn: number): void {
    this.slowStart = false
    this.record(this.refusals, started)
    if (sentIn !== this.generation) return
    const first = this.generation === 0
    this.generation += 1
    this.healthyInRound = 0
    this.refusedAt = started
    this.setLimit(Math.floor(this.limit / 2))
    // Before the pace is known, every request would be refused until the wait is over; after, the
    // pace already keeps to what the service admits, and the refused request waits on its own.
    if (first && waitMs > 0 && !this.paused) {
      this.paused = this.sleep(waitMs).then(() => {
        this.paused = undefined
        this.pump()
      })
    }
  }

  /**
   * Learns the pace from the last new 429 once every request sent before it has its answer: counted
   * while some are out, the rate would come out low.
   */
  private learnWhenAnswered(): void {
    const refusedAt = this.refusedAt
    if (refusedAt === undefined) return
    if (this.inFlight.some((at) => at <= refusedAt) && this.now() < refusedAt + WINDOW_MS) return
    this.refusedAt = undefined
    this.pace = Math.max(MIN_PACE, this.admittedRate(refusedAt) * PACE_MARGIN)
    this.lastProbe = this.now()
    this.learntAt = this.lastProbe
    this.setLimit(this.limit)
  }

  /**
   * The rate the service admitted up to `refusedAt`, when it had nothing left to give. If it had
   * nothing at an earlier 429 within the second as well, all it admitted between the two is what it
   * refilled: the rate itself. Otherwise, what it admitted in the second before, which may hold some
   * of what it had saved up: the next 429 soon corrects that.
   */
  private admittedRate(refusedAt: number): number {
    const earlier = this.refusals.find((at) => at >= refusedAt - WINDOW_MS && at <= refusedAt - MIN_SPAN_MS)
    const from = earlier ?? refusedAt - WINDOW_MS
    const count = this.admitted.filter((at) => at > from && at <= refusedAt).length
    return (count * 1000) / (refusedAt - from)
  }

  /** The window the pace needs: twice the requests in flight when one starts every 1/pace s at the latency seen. */
  private floor(): number {
    if (this.pace === undefined || this.latencyMs === undefined) return 1
    return Math.ceil((this.pace * this.latencyMs * 2) / 1000) + 1
  }

  private setLimit(value: number): void {
    this.limit = Math.min(this.options.max, Math.max(1, this.floor(), value))
    this.peak = Math.max(this.peak, this.limit)
    this.pump()
  }

  private record(times: number[], at: number): void {
    times.push(at)
    const old = this.now() - 2 * WINDOW_MS
    while (times.length > 0 && times[0] < old) times.shift()
  }

  private acquire(): Promise<void> {
    this.options.abort?.throwIfAborted()
    return new Promise<void>((go, stop) => {
      this.queue.push({go, stop})
      this.pump()
    })
  }

  /** Starts the waiting requests that may start now, and arranges to be called again when the pace allows the next. */
  private pump(): void {
    while (this.queue.length > 0 && !this.paused && this.running < this.limit) {
      if (this.pace !== undefined) {
        const now = this.now()
        if (now < this.nextStart && !this.due) {
          this.pacing ??= this.sleep(this.nextStart - now).then(() => {
            this.pacing = undefined
            this.due = true
            this.pump()
          })
          return
        }

        this.due = false
        this.nextStart = Math.max(this.nextStart, now - CATCH_UP_MS) + 1000 / this.pace
      }

      this.running += 1
      this.queue.shift()!.go()
    }
  }
}

/** Runs `work` on every item, at most `limit` at a time, keeping the items' order in the results. */
export async function mapLimit<I, R>(items: readonly I[], limit: number, work: (item: I) => Promise<R>): Promise<R[]> {
  const results: R[] = Array.from({length: items.length})
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index])
    }
  }

  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker))
  return results
}

/** A runner that lets at most `n` of the works given to it run at once; the others wait their turn, in order. */
export function limiter(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: Array<() => void> = []
  return async <T>(work: () => Promise<T>): Promise<T> => {
    while (running >= n) await new Promise<void>((resolve) => waiting.push(resolve))
    running += 1
    try {
      return await work()
    } finally {
      running -= 1
      waiting.shift()?.()
    }
  }
}
