// Undo actions that must run however a command ends: on return, on error, and on SIGINT/SIGTERM.
// A signal does not cut the work short mid-request (undoing while a DELETE is still in flight
// could "restore" an account that the DELETE then removes): the work stops at its next
// checkpoint, then the undo actions run, newest first, and the command exits 130 or 143.
import {messageOf, PluginError} from './errors.js'

interface Task {
  label: string
  run: () => Promise<unknown>
}

export class Cleanup {
  private readonly tasks: Task[] = []
  private signal: NodeJS.Signals | undefined

  /** Registers an undo action; the returned function withdraws it once the work is committed. */
  add(label: string, run: () => Promise<unknown>): () => void {
    const task = {label, run}
    this.tasks.push(task)
    return () => {
      const index = this.tasks.indexOf(task)
      if (index !== -1) this.tasks.splice(index, 1)
    }
  }

  /** Call between steps: throws once a signal has arrived, so no further step starts. */
  checkpoint(): void {
    if (this.signal) throw interruption(this.signal)
  }

  get interrupted(): NodeJS.Signals | undefined {
    return this.signal
  }

  /** @internal used by withCleanup */
  markInterrupted(signal: NodeJS.Signals): void {
    this.signal ??= signal
  }

  /** Runs and forgets every undo action, newest first; returns the failures as sentences. */
  async runAll(): Promise<string[]> {
    const failures: string[] = []
    for (const task of this.tasks.splice(0).reverse()) {
      try {
        await task.run()
      } catch (error) {
        failures.push(`could not ${task.label}: ${messageOf(error)}`)
      }
    }

    return failures
  }
}

const interruption = (signal: NodeJS.Signals) =>
  new PluginError(signal === 'SIGTERM' ? 'terminated' : 'interrupted', `${signal === 'SIGTERM' ? 'terminated' : 'interrupted'}; what was started has been undone`)

/**
 * Runs `work` with a Cleanup whose actions run when it settles or is interrupted. A second signal
 * quits at once, saying what was left undone.
 */
export async function withCleanup<T>(work: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup()
  const onSignal = (signal: NodeJS.Signals) => {
    if (cleanup.interrupted) {
      process.stderr.write(`${signal} again: quitting without undoing what was started\n`)
      process.exit(signal === 'SIGTERM' ? 143 : 130)
    }

    cleanup.markInterrupted(signal)
    process.stderr.write(`${signal}: finishing the request under way, then undoing what was started (send it again to quit at once)\n`)
  }

  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let outcome: {value: T} | {error: unknown}
  try {
    outcome = {value: await work(cleanup)}
  } catch (error) {
    outcome = {error}
  }

  const failures = await cleanup.runAll()
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  if (cleanup.interrupted) {
    const base = interruption(cleanup.interrupted)
    throw failures.length === 0 ? base : new PluginError(base.kind, `${base.kind}, but ${failures.join('; ')}`)
  }

  if ('error' in outcome) {
    if (failures.length === 0) throw outcome.error
    const error = outcome.error instanceof PluginError ? outcome.error : new PluginError('internal', messageOf(outcome.error), {cause: outcome.error})
    throw new PluginError(error.kind, `${error.message}; also ${failures.join('; ')}`, {cause: error, result: error.result, status: error.status})
  }

  if (failures.length > 0) throw new PluginError('partial', `the work is done, but ${failures.join('; ')}`, {result: outcome.value as Record<string, unknown>})
  return outcome.value
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
