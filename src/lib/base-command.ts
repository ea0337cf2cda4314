// The one base class of every command: host compatibility, --json, and turning any failure into
// one line on stderr plus the exit code from the table in errors.ts.
import {Command, type Config, Errors, type Interfaces, ux} from '@oclif/core'

import {messageOf, PluginError, writeFailure} from './errors.js'

/** Flags whose values are secrets: given on the command line, they land in shell history and ps. */
const SECRET_FLAGS = ['api-secret', 'jwt', 'page-token', 'user-token']

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
    if (!legacyHost) return Command.run.call(this, argv, opts)
    try {
      return await Command.run.call(this, argv, {root: (opts as {root: string}).root})
    } catch (error) {
      if (!(error instanceof Errors.ExitError)) throw error
      process.exitCode = error.oclif.exit ?? 1
      return undefined as ReturnType<T['run']>
    }
  }

  /** Secrets given as flags end up in shell history and `ps`: say so once, pointing to the safer way. */
  async init(): Promise<void> {
    await super.init()
    const given = SECRET_FLAGS.filter((name) => this.argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`)))
    const viaStdin = (name: string) => this.argv[this.argv.indexOf(`--${name}`) + 1] === '-'
    const exposed = given.filter((name) => !viaStdin(name))
    if (exposed.length > 0) {
      this.notice(`Hint: ${exposed.map((name) => `--${name}`).join(', ')} on the command line is kept in shell history and shows in ps and DEBUG output; prefer the environment variable${exposed.includes('page-token') ? ' or --page-token -' : ''}`)
    }
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

  protected toSuccessJson(result: unknown): unknown {
    return typeof result === 'object' && result !== null && !Array.isArray(result) ? {...result, warnings: this.warnings} : result
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

  protected async catch(error: Error): Promise<never> {
    if (error instanceof Errors.ExitError) throw error
    const failure = toPluginError(error)
    writeFailure(failure, error)
    if (this.jsonEnabled()) {
      this.logJson({...failure.result, error: {exitCode: failure.exitCode, kind: failure.kind, message: failure.message}, warnings: this.warnings})
    }

    // An installed plugin has its own copy of @oclif/core, so the host's handler does not recognise
    // this ExitError by class and would print "EEXIT: 2"; core v4 hosts honour this flag instead.
    const exit = new Errors.ExitError(failure.exitCode) as Errors.ExitError & {skipOclifErrorHandling: boolean}
    exit.skipOclifErrorHandling = true
    throw exit
  }
}

/** Anything thrown, as a PluginError: ours as they are, oclif's parse errors as usage errors. */
export function toPluginError(error: unknown): PluginError {
  if (error instanceof PluginError) return error
  if (error instanceof Error && error.name === 'ExitPromptError') return new PluginError('interrupted', 'interrupted; nothing was changed', {cause: error})
  if (error instanceof Errors.CLIError && (error.oclif?.exit === 2 || 'parse' in error)) {
    const lines = error.message.split('\n').map((line) => line.trim())
    const text = lines.filter((line) => line !== '' && !line.startsWith('See more help with')).join(' ')
    return new PluginError('usage', `${text} (see --help)`, {cause: error})
  }

  return new PluginError('internal', `unexpected failure: ${messageOf(error)} (set DEBUG=1 to see the stack trace)`, {cause: error})
}
