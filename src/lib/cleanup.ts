// Undo actions that must run however a command ends: on return, on error, and on SIGINT/SIGTERM/SIGHUP.
// A signal does not cut the work short mid-request (undoing while a DELETE is still in flight
// could "restore" an account that the DELETE then removes): the work stops at its next
// checkpoint, then the undo actions run, newest first, and the command exits 130 or 143 saying
// what was undone — or, when the signal came after the last step, what was done.
import {EXIT_CODES, messageOf, PluginError} from './errors.js'

interface Task {
  /** What the action does, as an imperative: "delete temporary application X". */
  label: string
  /** What a person runs to do it by hand, when the program cannot: "app:temp:delete X". */
  manual?: string
  /** What is true once it ran: "temporary application X deleted". A string the action returns says it instead. */
  done?: string
  /** It only finds out what is true (for the error to say), so it is nothing to do by hand after a second signal. */
  readOnly?: boolean
  run: () => Promise<unknown>
}

export class Cleanup {
  private readonly tasks: Task[] = []
  private signal: NodeJS.Signals | undefined
  private readonly controller = new AbortController()

  /** Aborted by the first signal, with the error checkpoint() throws: for waits that must end then. */
  get abortSignal(): AbortSignal {
    return this.controller.signal
  }

  /** Registers an undo action; the returned function withdraws it once the work is committed. */
  add(
    label: string,
    run: () => Promise<unknown>,
    {done, manual, readOnly}: {done?: string; manual?: string; readOnly?: boolean} = {},
  ): () => void {
    const task = {done, label, manual, readOnly, run}
    this.tasks.push(task)
    return () => {
      const index = this.tasks.indexOf(task)
      if (index !== -1) this.tasks.splice(index, 1)
    }
  }

  /** Call between steps: throws once a signal has arrived, so no further step starts. */
  checkpoint(): void {
    if (this.signal) throw this.controller.signal.reason
  }

  get interrupted(): NodeJS.Signals | undefined {
    return this.signal
  }

  /** @internal used by withCleanup */
  markInterrupted(signal: NodeJS.Signals): void {
    if (this.signal) return
    this.signal = signal
    this.controller.abort(new PluginError(signalKind(signal), `${signal} received`))
  }

  /** What is still to undo, with the command that does each by hand: for a second signal's last words. */
  pending(): string[] {
    return this.tasks
      .filter((task) => !task.readOnly)
      .map((task) => (task.manual ? `${task.label} (run: ${task.manual})` : task.label))
      .reverse()
  }

  /**
   * Runs every undo action, newest first, forgetting each once it has run (so a second signal during
   * the undo still names what is left); returns what was undone and what failed, as sentences.
   */
  async runAll(): Promise<{undone: string[]; failures: string[]}> {
    const undone: string[] = []
    const failures: string[] = []
    for (const task of [...this.tasks].reverse()) {
      try {
        const said = await task.run()
        undone.push(typeof said === 'string' ? said : (task.done ?? `done: ${task.label}`))
      } catch (error) {
        failures.push(`could not ${task.label}: ${messageOf(error)}${task.manual ? `; run: ${task.manual}` : ''}`)
      } finally {
        const index = this.tasks.indexOf(task)
        if (index !== -1) this.tasks.splice(index, 1)
      }
    }

    return {failures, undone}
  }
}

/**
 * The error kind (and so the exit code, 130 or 143) a signal stands for: SIGHUP (the terminal closed,
 * an SSH session lost during a wait) ends the work as SIGTERM does.
 */
export const signalKind = (signal: NodeJS.Signals) => (signal === 'SIGINT' ? 'interrupted' : 'terminated')

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** How undoable work ended when it was not a plain success: the sentences that make its error true. */
export interface Finished<T> {
  value: T
  /** A signal that arrived after the last step had started: the work is done, and it was not undone. */
  signal?: NodeJS.Signals
  /** Clean-up actions that failed (the work itself is done). */
  failures: string[]
}

/**
 * Runs `work` with a Cleanup whose actions run when it settles or is interrupted, and reports the
 * truth: a failure or an interruption before the work finished throws, saying what was undone and
 * what could not be; a work that finished comes back with any late signal and clean-up failures,
 * so the command can print its result before `settle` turns them into the exit code. A second
 * signal quits at once, naming what is left to undo by hand.
 */
export async function withCleanup<T>(work: (cleanup: Cleanup) => Promise<T>): Promise<Finished<T>> {
  const cleanup = new Cleanup()
  const onSignal = (signal: NodeJS.Signals) => {
    if (cleanup.interrupted) {
      const left = cleanup.pending()
      const undo = left.length === 0 ? '' : `; left to undo by hand: ${left.join('; ')}`
      process.stderr.write(
        `${signal} again: quitting at once; the request under way may or may not take effect${undo}\n`,
      )
      process.exit(EXIT_CODES[signalKind(signal)])
    }

    cleanup.markInterrupted(signal)
    process.stderr.write(
      `${signal}: finishing the request under way, then undoing what was started (send it again to quit at once)\n`,
    )
  }

  for (const signal of SIGNALS) process.on(signal, onSignal)
  let outcome: {value: T} | {error: unknown}
  try {
    outcome = {value: await work(cleanup)}
  } catch (error) {
    outcome = {error}
  }

  const {failures, undone} = await cleanup.runAll()
  for (const signal of SIGNALS) process.off(signal, onSignal)
  if ('value' in outcome) return {failures, signal: cleanup.interrupted, value: outcome.value}
  const also = failures.length === 0 ? '' : `; ${failures.join('; ')}`
  const didUndo = undone.length === 0 ? '' : `; ${undone.join('; ')}`
  if (cleanup.interrupted) {
    const kind = signalKind(cleanup.interrupted)
    const before = undone.length === 0 && failures.length === 0 ? ' before anything was changed' : ''
    throw new PluginError(kind, `${kind}${before}${didUndo}${also}`, {cause: outcome.error})
  }

  // After a plain failure only what could not be undone is news: undoing is what a failure implies.
  if (failures.length === 0) throw outcome.error
  const error =
    outcome.error instanceof PluginError
      ? outcome.error
      : new PluginError('internal', messageOf(outcome.error), {cause: outcome.error})
  throw new PluginError(error.kind, `${error.message}${also}`, {
    cause: error,
    result: error.result,
    status: error.status,
  })
}

/**
 * The value of work that finished, or — when a signal came too late to stop it, or a clean-up step
 * failed — the error that says so, carrying the value for --json. Call it after printing the value.
 */
export function settle<T>(finished: Finished<T>, done: string): T {
  const result = finished.value as Record<string, unknown>
  const also = finished.failures.length === 0 ? '' : `; but ${finished.failures.join('; ')}`
  if (finished.signal) {
    const kind = signalKind(finished.signal)
    throw new PluginError(
      kind,
      `${finished.signal} arrived after the work was done, so nothing was undone: ${done}${also}`,
      {result},
    )
  }

  if (finished.failures.length > 0) throw new PluginError('partial', `${done}${also}`, {result})
  return finished.value
}
