// Runs the built CLI (bin/run.js) as a user would: a child process, a temporary HOME, a shell.
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {checkJsonOutput} from './json-contract.js'
import {tempDir} from './temp.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = join(ROOT, 'bin', 'run.js')

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/** A fresh HOME, removed at the end of the run. */
export function tempHome(): string {
  return tempDir('home')
}

let cacheHome: string | undefined

/**
 * One $XDG_CACHE_HOME for the run's CLI processes, outside every HOME: the compiled code the CLI
 * keeps there (bin/load-cli.cjs) is then made once, and a HOME shows only what a command wrote.
 */
export function testCacheHome(): string {
  if (!cacheHome || !existsSync(cacheHome)) cacheHome = tempDir('cache')
  return cacheHome
}

/**
 * A clean environment: no credentials or keys leak in from the developer's shell. A HOME in
 * `extra` is used as given (its test removes it); else a new one is made.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    HOME: extra.HOME ?? tempHome(),
    LANG: 'C.UTF-8',
    PATH: process.env.PATH,
    XDG_CACHE_HOME: testCacheHome(),
  }
  return {...env, ...extra}
}

export interface RunOptions {
  env?: Record<string, string>
  cwd?: string
  /** What standard input holds; empty unless given. */
  input?: string
}

/** A running process: await it for the result; meanwhile signal `child` or wait for what it writes. */
export type CliRun = Promise<RunResult & {ms: number}> & {
  child: ChildProcess
  /** Resolves once stderr so far matches `pattern` (an event, not a timer); rejects if the process exits first. */
  stderrMatches(pattern: RegExp): Promise<void>
}

/** The one way tests start a process: a clean environment, output collected, stdin given or empty. */
export function start(file: string, args: string[], options: RunOptions = {}): CliRun {
  const started = Date.now()
  const child = spawn(file, args, {cwd: options.cwd ?? ROOT, env: cleanEnv(options.env)})
  let stdout = ''
  let stderr = ''
  let closed = false
  child.on('close', () => (closed = true))
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const result = new Promise<RunResult & {ms: number}>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      // The binary run with --json: its output must match the command's schema in schemas/.
      try {
        if (file === process.execPath && args[0] === BIN) checkJsonOutput(args.slice(1), {code, stdout}, options.env)
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)))
        return
      }

      resolve({code, ms: Date.now() - started, stderr, stdout})
    })
  })
  child.stdin.on('error', () => {}) // a process that exits without reading its input
  child.stdin.end(options.input ?? '')
  const stderrMatches = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stderr)) return
        child.stderr.off('data', check)
        resolve()
      }

      const gone = () =>
        reject(
          new Error(
            `the process exited (${child.exitCode ?? child.signalCode}) before its stderr matched ${pattern}: ${stderr}`,
          ),
        )
      // Registered after the collector above, so `stderr` already holds the chunk when this runs.
      child.stderr.on('data', check)
      child.once('close', gone)
      check()
      if (closed) gone()
    })
  return Object.assign(result, {child, stderrMatches})
}

/** Runs a bash script in which `$CLI` is the built binary. */
export function sh(script: string, options: RunOptions = {}): CliRun {
  return start('bash', ['-o', 'pipefail', '-c', script], {...options, env: {CLI: BIN, ...options.env}})
}

/** Runs the binary with arguments (no shell), from the repository's root unless `cwd` says otherwise. */
export function cli(args: string[], options: RunOptions = {}): CliRun {
  return start(process.execPath, [BIN, ...args], options)
}

/** Runs the binary with arguments and `env`, in a fresh working folder. */
export function runCli(args: string[], env: Record<string, string>): CliRun {
  return cli(args, {cwd: tempDir('case'), env})
}

/**
 * Runs the binary in a pseudo-terminal (test/helpers/pty-drive.py) and answers its prompts:
 * `steps` are [text to wait for, keys to send]. `out` is everything the terminal showed.
 */
export async function inTerminal(
  args: string[],
  steps: Array<[string, string]>,
  env: Record<string, string> = {},
): Promise<{code: number | null; out: string}> {
  const quoted = args.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ')
  const script = `cd ${ROOT} && ${process.execPath} ${BIN} ${quoted}`
  const {code, stdout} = await start(
    'python3',
    [join(ROOT, 'test', 'helpers', 'pty-drive.py'), JSON.stringify(steps), '--', 'bash', '-c', script],
    {env},
  )
  return {code, out: stdout}
}
