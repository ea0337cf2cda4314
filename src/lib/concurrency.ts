// Work on many items at once: mapLimit, a fixed number at a time; and AdaptiveGate, which decides
// how many requests a fleet command keeps in flight: as many as the service answers well, found as
// TCP finds its window. It starts small, doubles after each round of healthy answers until the
// first sign of rate limiting (slow start), then grows by one per round; a 429 halves it, once for
// all the requests that were already out when it was last halved (their 429s say nothing new), and
// holds every new request until the wait the service asked for is over. `max` (--concurrency) caps
// it throughout.
import {waiting} from './http.js'

/** The cap when --concurrency is not given. */
export const MAX_CONCURRENCY = 32

export interface GateOptions {
  /** The most requests at once. */
  max: number
  /** How many go out before any answer is seen. */
  initial?: number
  /** Waits out a Retry-After before new requests start; tests pass a fake. */
  sleep?: (ms: number) => Promise<void>
  /** Once aborted (a signal arrived), no request starts: waiting ones throw its reason. */
  abort?: AbortSignal
}

export class AdaptiveGate {
  private limit: number
  private running = 0
  private readonly waiting: Array<() => void> = []
  private slowStart = true
  /** Healthy answers since the limit last changed: a round is `limit` of them. */
  private healthyInRound = 0
  /** Bumped at each halving: a 429 to a request sent before it does not halve again. */
  private generation = 0
  private paused: Promise<void> | undefined
  /** The highest limit reached, for reports. */
  peak: number

  constructor(private readonly options: GateOptions) {
    this.limit = Math.max(1, Math.min(options.initial ?? 4, options.max))
    this.peak = this.limit
    options.abort?.addEventListener('abort', () => {
      for (const wake of this.waiting.splice(0)) wake()
    })
  }

  /** How many requests may be in flight now. */
  get current(): number {
    return this.limit
  }

  /**
   * Runs `request` once a slot is free (and no pause is on), holding the slot until it settles.
   * `rateLimited` tells a refusal to slow down from other failures: the wait asked for, in ms (0 if
   * none was named), or undefined. A success counts as a healthy answer; other failures count for nothing.
   */
  async run<T>(request: () => Promise<T>, rateLimited: (error: unknown) => number | undefined): Promise<T> {
    await this.acquire()
    const generation = this.generation
    try {
      const value = await request()
      this.healthy()
      return value
    } catch (error) {
      const wait = rateLimited(error)
      if (wait !== undefined) this.slowDown(wait, generation)
      throw error
    } finally {
      this.running -= 1
      this.wake()
    }
  }

  private healthy(): void {
    this.healthyInRound += 1
    if (this.healthyInRound < this.limit) return
    this.healthyInRound = 0
    this.setLimit(this.slowStart ? this.limit * 2 : this.limit + 1)
  }

  private slowDown(waitMs: number, sentIn: number): void {
    this.slowStart = false
    if (sentIn === this.generation) {
      this.generation += 1
      this.healthyInRound = 0
      this.setLimit(Math.floor(this.limit / 2))
    }

    if (waitMs > 0 && !this.paused) {
      const sleep = this.options.sleep ?? waiting.sleep
      this.paused = sleep(waitMs).then(() => {
        this.paused = undefined
        this.wake()
      })
    }
  }

  private setLimit(value: number): void {
    this.limit = Math.max(1, Math.min(value, this.options.max))
    this.peak = Math.max(this.peak, this.limit)
    this.wake()
  }

  private async acquire(): Promise<void> {
    this.options.abort?.throwIfAborted()
    while (this.paused || this.running >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve))
      this.options.abort?.throwIfAborted()
    }

    this.running += 1
  }

  private wake(): void {
    if (this.paused) return
    for (let free = this.limit - this.running; free > 0 && this.waiting.length > 0; free -= 1) this.waiting.shift()!()
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
