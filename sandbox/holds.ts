// Held requests: a fault with `hold: true` parks its request here until the test releases it, so a
// test acts while a request is in flight (signals the CLI, removes a folder) on an event, not a timer.

export interface HeldRequest {
  /** "h1", "h2", …: never reused while the sandbox runs, so a stale id cannot release another request. */
  id: string
  method: string
  /** Without the query string, which may carry tokens. */
  path: string
  /** When it was parked (ISO 8601). */
  since: string
}

/**
 * How a parked request goes on: "released" by the test (the rest of its fault applies), or
 * "dropped" by a reset or close(), when it must not touch the state the next test starts from.
 */
export type Outcome = 'dropped' | 'released'

export class Holds {
  private readonly parked = new Map<string, HeldRequest & {resume: (outcome: Outcome) => void}>()
  private readonly waiters = new Set<(closing: boolean) => void>()
  private count = 0

  /** Parks a request; resolves when it is released or dropped. */
  park(method: string, path: string): Promise<Outcome> {
    return new Promise((resume) => {
      this.count += 1
      const id = `h${this.count}`
      this.parked.set(id, {id, method, path, resume, since: new Date().toISOString()})
      for (const wake of [...this.waiters]) wake(false)
    })
  }

  /** The requests parked now, oldest first. */
  list(): HeldRequest[] {
    return [...this.parked.values()].map(({id, method, path, since}) => ({id, method, path, since}))
  }

  /** Lets one request go on; false when no request with that id is held. */
  release(id: string, outcome: Outcome = 'released'): boolean {
    const held = this.parked.get(id)
    if (!held) return false
    this.parked.delete(id)
    held.resume(outcome)
    return true
  }

  /** Lets every held request go on; returns their ids. */
  releaseAll(outcome: Outcome = 'released'): string[] {
    const ids = [...this.parked.keys()]
    for (const id of ids) this.release(id, outcome)
    return ids
  }

  /**
   * The held requests as soon as there are at least `count` (at once if there are already), or
   * those held after `ms`, when `cancel` fires, or when the sandbox closes.
   */
  wait(ms: number, cancel?: AbortSignal, count = 1): Promise<HeldRequest[]> {
    if (this.parked.size >= count || ms <= 0 || cancel?.aborted) return Promise.resolve(this.list())
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.waiters.delete(check)
        cancel?.removeEventListener('abort', done)
        resolve(this.list())
      }

      const check = (closing: boolean) => (closing || this.parked.size >= count) && done()
      const timer = setTimeout(done, ms)
      this.waiters.add(check)
      cancel?.addEventListener('abort', done)
    })
  }

  /** On close: drops every held request and answers every waiter, leaving no timer behind. */
  close(): void {
    this.releaseAll('dropped')
    for (const wake of [...this.waiters]) wake(true)
  }
}
