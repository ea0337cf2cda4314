// Typed errors for the whole plugin. The library throws these; the base command turns each into
// one line on stderr and one exit code, exactly once, using the table below.
import {inspect} from 'node:util'

import {printable} from './printable.js'
import {looksSecret, notShown, redactValues} from './secrets.js'

export type ErrorKind =
  | 'usage' // bad flags, arguments, claims, keys, files: the user can fix the input
  | 'auth' // missing or rejected credentials (401/403)
  | 'not-found' // the thing named does not exist (404)
  | 'conflict' // the remote state forbids it (409, already linked)
  | 'remote' // the service failed or answered something unexpected (5xx, bad body)
  | 'network' // no answer: refused, reset, timed out
  | 'partial' // some items succeeded and some failed
  | 'invalid' // a token was checked and is invalid or expired (jwt:decode)
  | 'warning' // a health check found something that needs attention soon, nothing failing (messenger:status)
  | 'failing' // a health check failed: some Page does not work now, or will not without a fix (messenger:status)
  | 'output' // the output could not be written (a full disk, a broken terminal): what was printed is incomplete
  | 'timeout' // a wait for something a person does (messenger:link --browser) ended before it happened
  | 'interrupted' // SIGINT (Ctrl-C) at a prompt or during the work
  | 'terminated' // SIGTERM during the work
  | 'internal' // a bug: anything we did not anticipate

/** Exit codes: documented in the README ("Exit codes"); change both together. */
export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  internal: 1,
  usage: 2,
  auth: 3,
  'not-found': 4,
  conflict: 5,
  remote: 6,
  network: 7,
  partial: 8,
  invalid: 9,
  warning: 10,
  failing: 11,
  output: 12,
  timeout: 13,
  interrupted: 130,
  terminated: 143,
}

export class PluginError extends Error {
  readonly kind: ErrorKind
  /** What the command still has to report with the failure (the --json payload, e.g. a token report). */
  readonly result?: Record<string, unknown>
  /** The HTTP status of the answer that caused it, when a service answered. */
  readonly status?: number
  /** Set when an idempotent request that failed this way may be sent again (after `afterMs`, if the service said). */
  readonly retry?: {afterMs?: number}

  constructor(
    kind: ErrorKind,
    message: string,
    options: {cause?: unknown; result?: Record<string, unknown>; status?: number; retry?: {afterMs?: number}} = {},
  ) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'PluginError'
    this.kind = kind
    this.result = options.result
    this.status = options.status
    this.retry = options.retry
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind]
  }
}

export const usageError = (message: string, cause?: unknown): PluginError => new PluginError('usage', message, {cause})

/** The kind of anything thrown: ours carry one; anything else is "internal". */
export const kindOf = (error: unknown): ErrorKind => (error instanceof PluginError ? error.kind : 'internal')

/**
 * The kind of a batch's failure (many Pages, many applications), decided here alone: "partial" when
 * some items were done, else the kind of the first failure.
 */
export const batchFailureKind = (done: number, firstFailure: ErrorKind): ErrorKind =>
  done > 0 ? 'partial' : firstFailure

/** User input as a message may show it: quoted when harmless, else described without its content. */
export function showInput(value: string): string {
  return looksSecret(value) ? notShown(value) : JSON.stringify(value)
}

/** A JSON value (a claim) as a message may show it: its JSON text when harmless. */
export function showJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return looksSecret(text) ? notShown(text) : text
}

/** The message of anything thrown, for wrapping it with context. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Anything thrown, as a PluginError: ours as they are, an interrupted prompt as `interrupted`, and
 * anything else as `internal` (a bug), its message with any secret-looking value of `argv` taken
 * out. Both paths of jwt:generate use it: through toPluginError (base-command.ts), which first
 * turns oclif's parse errors into usage errors, and directly on the fast path, which has no oclif.
 */
export function asPluginError(error: unknown, argv: readonly string[] = []): PluginError {
  if (error instanceof PluginError) return error
  if (error instanceof Error && error.name === 'ExitPromptError')
    return new PluginError('interrupted', 'interrupted; nothing was changed', {cause: error})
  return new PluginError(
    'internal',
    `unexpected failure: ${redactValues(messageOf(error), argv)} (set DEBUG=1 to see the stack trace)`,
    {cause: error},
  )
}

/**
 * Writes the one error line, and with DEBUG set the stack with its causes, to stderr. The line is
 * made printable: it may quote a service's answer or a Page name, which must not move the cursor.
 */
export function writeFailure(failure: PluginError, original: unknown = failure): void {
  process.stderr.write(`Error: ${printable(failure.message)}\n`)
  if (process.env.DEBUG) process.stderr.write(`${describeStack(original)}\n`)
}

function describeStack(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  while (current instanceof Error) {
    parts.push(current.stack ?? current.message)
    current = current.cause
  }

  // a thrown non-Error (a string, a plain object) ends the chain
  if (current !== undefined) parts.push(typeof current === 'string' ? current : inspect(current))

  return parts.join('\nCaused by: ')
}

/**
 * A reader that stops early (`| head -c 0`, `| true`) closes the pipe, and the next write fails
 * with EPIPE, which Node raises as an error event: a stack trace and exit 1. Like most Unix tools,
 * stop printing quietly instead: the command still runs to its end (undoing what it must) and
 * exits with its own code. oclif swallows EPIPE on stdout once it is loaded; this covers stderr
 * and the fast path, which never loads oclif. Any other failure to write (a full disk, an I/O
 * error) must not pass unsaid: one line on stderr (when it is stdout that failed), the command
 * still runs to its end — a fleet run does not stop half-way — and a run that would have exited 0
 * exits with the "output" code instead, since what it printed is incomplete.
 */
export function ignoreClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    // oclif's own listener on stdout swallows EPIPE and throws every other error (a stack trace): ours replaces it
    for (const listener of stream.listeners('error'))
      if (listener.name !== 'onOutputError') stream.off('error', listener as (error: Error) => void)
    if (stream.listeners('error').length > 0) continue
    stream.on('error', function onOutputError(error: NodeJS.ErrnoException) {
      outputFailed(stream, error)
    })
  }
}

let lostOutput = false

function outputFailed(stream: NodeJS.WriteStream, error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || lostOutput) return
  lostOutput = true
  if (stream === process.stdout) {
    process.stderr.write(
      `Error: could not write the output (${error.code ?? error.message}): what this command printed is incomplete\n`,
    )
  }

  process.once('exit', (code) => {
    if (code === 0) process.exitCode = EXIT_CODES.output
  })
}
