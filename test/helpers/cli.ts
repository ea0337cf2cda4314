// Runs the built CLI (bin/run.js) as a user would: a child process, a temporary HOME, a shell.
import {spawn} from 'node:child_process'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

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

/** A clean environment: no credentials or keys leak in from the developer's shell. A HOME in `extra` is used as given (its test removes it); else a new one is made. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {HOME: extra.HOME ?? tempHome(), LANG: 'C.UTF-8', PATH: process.env.PATH}
  return {...env, ...extra}
}

/** Runs a bash script in which `$CLI` is the built binary; stdin is empty unless given. */
export function sh(script: string, options: {env?: Record<string, string>; cwd?: string; input?: string} = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', script], {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv({CLI: BIN, ...options.env}),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({code, stderr, stdout}))
    child.stdin.end(options.input ?? '')
  })
}

/** Runs the binary with arguments (no shell quoting to worry about). */
export function cli(args: string[], options: {env?: Record<string, string>; cwd?: string; input?: string} = {}): Promise<RunResult> {
  const quoted = args.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ')
  return sh(`"$CLI" ${quoted}`, options)
}

/**
 * Runs the binary in a pseudo-terminal (test/helpers/pty-drive.py) and answers its prompts:
 * `steps` are [text to wait for, keys to send]. `out` is everything the terminal showed.
 */
export function inTerminal(args: string[], steps: Array<[string, string]>, env: Record<string, string> = {}): Promise<{code: number | null; out: string}> {
  const quoted = args.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ')
  const script = `cd ${ROOT} && ${process.execPath} ${BIN} ${quoted}`
  return new Promise((resolvePromise, reject) => {
    const child = spawn('python3', [join(ROOT, 'test', 'helpers', 'pty-drive.py'), JSON.stringify(steps), '--', 'bash', '-c', script], {env: cleanEnv(env)})
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({code, out}))
  })
}
