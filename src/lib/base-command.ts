// The one base class of every command: host compatibility, --json, and turning any failure into
// one line on stderr plus the exit code from the table in errors.ts.
import {Command, type Config, Errors, type Interfaces, ux} from '@oclif/core'

import {asPluginError, ignoreClosedOutput, PluginError, writeFailure} from './errors.js'
import type {Reporter} from './output.js'
import {fleetProgress} from './progress.js'
import {commandLineSecretsHint, redactArgv, redactValues} from './secrets.js'

ignoreClosedOutput()

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true

  /**
   * @vonage/cli 1.x (oclif core v1) calls `Command.run(argv, itsOwnConfig)`; core v4 cannot use
   * that object ("opts.getPluginsList is not a function"), so give it the host's root and let it
   * load its own config. The old host's error handler knows only its own ExitError class and would
   * print ours as "Error: EEXIT: 2", so there the exit code is handed over as process.exitCode.
   * A core v4 host passes a v4 Config, which goes through untouched.
   */
  static async run<T extends Command>(
    this: new (argv: string[], config: Config) => T,
    argv?: string[],
    opts?: Interfaces.LoadOptions,
  ): Promise<ReturnType<T['run']>> {
    const legacyHost = typeof opts === 'object' && opts !== null && !('getPluginsList' in opts) && 'root' in opts
    if (!legacyHost) return Command.run.call(this, argv, opts) as Promise<ReturnType<T['run']>>
    try {
      return (await Command.run.call(this, argv, {root: (opts as {root: string}).root})) as ReturnType<T['run']>
    } catch (error) {
      if (!(error instanceof Errors.ExitError)) throw error
      process.exitCode = error.oclif.exit ?? 1
      return undefined as ReturnType<T['run']>
    }
  }

  /**
   * oclif's Command logs its argv with `this.debug` under DEBUG: this command's own lines show
   * secrets as <redacted>. (oclif's `oclif:main` and `oclif:config` lines, and a host's, are out of
   * reach; the hint below names DEBUG output among the places a secret flag shows up.)
   */
  constructor(argv: string[], config: Config) {
    super(argv, config)
    const debug = this.debug
    this.debug = (...values: unknown[]) =>
      debug(...values.map((value) => (isStringArray(value) ? redactArgv(value) : value)))
  }

  /** Secrets given on the command line end up in shell history and `ps`: say so once, pointing to the safer way. */
  async init(): Promise<void> {
    await super.init()
    const hint = commandLineSecretsHint(this.argv)
    if (hint) this.notice(hint)
  }

  private readonly warnings: string[] = []

  /** Prints a one-line notice on stderr: hints, what happened. Never data; not with --json. */
  protected notice(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${message}\n`)
  }

  /** A warning: on stderr always (a script's log keeps it), and in the --json output as `warnings`. */
  protected warning(message: string): void {
    this.warnings.push(message.replace(/^Warning: /, ''))
    process.stderr.write(`${message.startsWith('Warning: ') ? message : `Warning: ${message}`}\n`)
  }

  /** What the library tells the person running the command: the spinner, warnings and notices above. */
  protected readonly reporter: Reporter = {
    fleet: (label) =>
      fleetProgress(label, {
        bar: Boolean(process.stderr.isTTY) && !this.jsonEnabled(),
        lines: !this.jsonEnabled(),
        stderr: process.stderr,
        stdout: (line) => this.log(line),
        stdoutIsTerminal: Boolean(process.stdout.isTTY),
      }),
    notice: (message) => this.notice(message),
    progress: (message, work) => this.progress(message, work),
    warning: (message) => this.warning(message),
  }

  /**
   * --json output, plain: oclif colours it by tokenizing the whole text first, which for a fleet's
   * report (5,000 Pages) costs ~90 MiB; the same JSON, two-space indented, costs what it weighs.
   */
  logJson(json: unknown): void {
    // two writes: a 5,000-Page report is megabytes, not worth copying to add a newline
    process.stdout.write(JSON.stringify(json, null, 2))
    process.stdout.write('\n')
  }

  protected toSuccessJson(result: unknown): unknown {
    return typeof result === 'object' && result !== null && !Array.isArray(result)
      ? {...result, warnings: this.warnings}
      : result
  }

  /** Runs network work behind a spinner on stderr, shown only to a person at a terminal. */
  protected async progress<T>(message: string, work: () => Promise<T>): Promise<T> {
    if (!process.stderr.isTTY || this.jsonEnabled()) return work()
    ux.action.start(message)
    try {
      const result = await work()
      ux.action.stop('done')
      return result
    } catch (error) {
      ux.action.stop('failed')
      throw error
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- overrides oclif's async catch; it only throws
  protected async catch(error: Error): Promise<never> {
    if (error instanceof Errors.ExitError) throw error
    const failure = toPluginError(error, this.argv)
    writeFailure(failure, error)
    if (this.jsonEnabled()) {
      this.logJson({
        ...failure.result,
        error: {exit_code: failure.exitCode, kind: failure.kind, message: failure.message},
        warnings: this.warnings,
      })
    }

    // An installed plugin has its own copy of @oclif/core, so the host's handler does not recognise
    // this ExitError by class and would print "EEXIT: 2"; core v4 hosts honour this flag instead.
    const exit = new Errors.ExitError(failure.exitCode) as Errors.ExitError & {skipOclifErrorHandling: boolean}
    exit.skipOclifErrorHandling = true
    throw exit
  }
}

/**
 * Anything thrown, as a PluginError: oclif's parse errors as usage errors, the rest by asPluginError
 * (errors.ts), which jwt:generate's fast path uses too. oclif repeats what it could not parse
 * ("Unexpected argument: …"), so any value of `argv` that looks like a secret is taken out of its
 * message (and the cause, which DEBUG would print, is dropped).
 */
export function toPluginError(error: unknown, argv: readonly string[] = []): PluginError {
  if (error instanceof Errors.CLIError && (error.oclif?.exit === 2 || 'parse' in error)) {
    if (error.message.startsWith('Nonexistent flag: -----BEGIN')) {
      return new PluginError(
        'usage',
        'key text given as an argument starts with dashes, so it was read as a flag: put -- before it, or better give a key file, "-" or VONAGE_PRIVATE_KEY',
      )
    }

    const message = redactValues(error.message, argv)
    const lines = message.split('\n').map((line) => line.trim())
    const text = lines.filter((line) => line !== '' && !line.startsWith('See more help with')).join(' ')
    return new PluginError('usage', `${text} (see --help)`, {cause: message === error.message ? error : undefined})
  }

  return asPluginError(error, argv)
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}
