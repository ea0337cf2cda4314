// The unit tier's way to run a command: in this process through @oclif/test's runCommand, against an
// in-process sandbox with a Facebook user (Pages 101 and 102), API credentials in the environment
// and a temporary HOME; the environment is put back after the suite.
import {captureOutput} from '@oclif/test'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import type {HeldRequest} from '../../sandbox/holds.js'
import {waiting} from '../../src/lib/http.js'
import {ROOT} from './cli.js'
import {checkJsonOutput} from './json-contract.js'
import {type SandboxClient, sandboxEnv, useSandbox} from './sandbox.js'
import {tempDir} from './temp.js'

/**
 * Runs a command from its TypeScript source, in this process (the class imported from src/, the
 * plugin's config from the root): what runCommand does, except that runCommand loads dist/ through
 * the manifest, so neither the code as written nor its coverage would be what is tested.
 */
export async function run(args: string[]) {
  const [id, ...argv] = args
  const base = join(ROOT, 'src', 'commands', ...id.split(':'))
  const file = existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts')
  const {default: command} = (await import(pathToFileURL(file).href)) as {
    default: {run(argv: string[], root: string): Promise<unknown>}
  }
  const output = await captureOutput(() => command.run(argv, ROOT))
  // Run with --json: the output must match the command's schema in schemas/.
  checkJsonOutput(args, {code: exitCode(output.error), stdout: output.stdout}, process.env)
  return output
}

/** The exit code the binary would end with after this error (0 for none). */
function exitCode(error: Error | undefined): number {
  return error ? ((error as {oclif?: {exit?: number}}).oclif?.exit ?? 1) : 0
}

/**
 * What a command run in this process left: its exit code as the binary would set it, its output,
 * and how long it took.
 */
export interface Outcome {
  code: number
  stdout: string
  stderr: string
  ms: number
}

let queue: Promise<unknown> = Promise.resolve()
/** The variables the plugin (or oclif, for DEBUG) reads. */
const PLUGIN_VARIABLE = /^(VONAGE_|NEXMO_|FACEBOOK_|DEBUG$|HOME$)/

/**
 * Takes every variable the plugin reads out of the environment; the function returned puts the
 * environment back as it was.
 */
function isolateEnv(): () => void {
  const saved = {...process.env}
  clearPluginEnv()
  return () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  }
}

function clearPluginEnv(): void {
  for (const name of Object.keys(process.env)) if (PLUGIN_VARIABLE.test(name)) delete process.env[name]
}

/**
 * Runs a command in this process as the binary would run in a clean shell: `env` (plus a new HOME)
 * is its whole environment as far as this plugin reads one, and a new folder its working folder.
 * Environment and working folder belong to the process, so runs take turns: callers may start many.
 */
export function runAlone(args: string[], env: Record<string, string>): Promise<Outcome> {
  const turn = queue.then(async () => {
    const restoreEnv = isolateEnv()
    const savedCwd = process.cwd()
    Object.assign(process.env, {HOME: tempDir('unit-home')}, env)
    process.chdir(tempDir('unit-case'))
    const started = Date.now()
    try {
      const {error, stderr, stdout} = await run(args)
      return {code: exitCode(error), ms: Date.now() - started, stderr, stdout}
    } finally {
      process.chdir(savedCwd)
      restoreEnv()
    }
  })
  queue = turn.catch(() => undefined)
  return turn
}

/** Mocha hooks: while the suite runs, retries wait no real time (each wait is recorded in the returned list). */
export function instantRetries(): number[] {
  const waits: number[] = []
  const real = waiting.sleep
  before(() => {
    waiting.sleep = async (ms) => {
      waits.push(ms)
    }
  })
  after(() => {
    waiting.sleep = real
  })
  return waits
}

export interface CommandSandbox {
  sandbox: SandboxClient
  /** The Page tokens the user's /me/accounts hands out now. */
  tokens: Record<string, string>
  /** Every wait (ms) the commands asked for between attempts or for a Retry-After; none took real time. */
  waits: number[]
  /** Seeds the user's Pages 101 and 102 again: Facebook hands out fresh Page tokens (in `tokens`). */
  reseed: () => Promise<void>
}

export function useCommandSandbox(): CommandSandbox {
  const sandbox = useSandbox()
  const context: CommandSandbox = {
    reseed: async () => {
      const {body} = await sandbox.seedUser({
        pages: [
          {id: '101', name: 'Pizza'},
          {id: '102', name: 'Bikes'},
        ],
        user_token: 'USER',
      })
      context.tokens = Object.fromEntries(
        body.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]),
      )
    },
    sandbox,
    tokens: {},
    waits: instantRetries(),
  }
  let restoreEnv = () => {}
  before(() => {
    restoreEnv = isolateEnv()
  })
  beforeEach(async () => {
    clearPluginEnv()
    Object.assign(process.env, sandboxEnv(sandbox.url), {FACEBOOK_USER_TOKEN: 'USER', HOME: tempDir('unit-home')})
    await context.reseed()
  })
  afterEach(() => sandbox.verify())
  after(() => restoreEnv())
  return context
}

export type {HeldRequest}
