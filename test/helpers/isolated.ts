// One sandbox per case, so that many fault or signal cases can run at once without sharing state.
import {type ChildProcess, spawn} from 'node:child_process'

import {startSandbox} from '../../sandbox/server.js'
import {mapLimit} from '../../src/lib/cleanup.js'
import {BIN, cleanEnv, type RunResult} from './cli.js'
import {SandboxClient, sandboxEnv} from './sandbox.js'
import {tempDir} from './temp.js'

export interface Linked {
  client: SandboxClient
  env: Record<string, string>
  pageTokens: Record<string, string>
  jwt: string
  close(): Promise<void>
}

/** A sandbox with a Facebook user managing Pages 101 and 102, Page 101 already linked, and a JWT. */
export async function linkedSandbox(): Promise<Linked> {
  const sandbox = await startSandbox({port: 0})
  const client = new SandboxClient(sandbox)
  const {body} = await client.seedUser({pages: [{id: '101', name: 'Pizza'}, {id: '102', name: 'Bikes'}], user_token: 'USER'})
  const pageTokens = Object.fromEntries(body.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]))
  const app = await client.createApp('mine')
  const {bearer} = await import('./sandbox.js')
  const auth = bearer(app.privateKey, app.id)
  await client.request('POST', '/beta/chatapp-accounts/messenger', {auth, body: {access_token: pageTokens['101'], external_id: '101', name: 'Pizza'}})
  const {body: refreshed} = await client.seedUser({pages: [{id: '101', name: 'Pizza'}, {id: '102', name: 'Bikes'}], user_token: 'USER'})
  const fresh = Object.fromEntries(refreshed.pages.map((page: {id: string; access_token: string}) => [page.id, page.access_token]))
  const env = {...sandboxEnv(sandbox.url), FACEBOOK_USER_TOKEN: 'USER'}
  return {client, close: () => sandbox.close(), env, jwt: auth.slice('Bearer '.length), pageTokens: fresh}
}

/** A running CLI: await it for the result; meanwhile signal `child` or wait for what it writes. */
export type CliRun = Promise<RunResult & {ms: number}> & {
  child: ChildProcess
  /** Resolves once stderr so far matches `pattern` (an event, not a timer); rejects if the CLI exits first. */
  stderrMatches(pattern: RegExp): Promise<void>
}

/** Runs the built CLI; `onSpawn` may act on the child (the returned run carries it too). */
export function runCli(args: string[], env: Record<string, string>, onSpawn?: (child: ChildProcess) => void): CliRun {
  const started = Date.now()
  const child = spawn(process.execPath, [BIN, ...args], {cwd: tempDir('case'), env: cleanEnv(env)})
  let stdout = ''
  let stderr = ''
  let closed = false
  child.on('close', () => (closed = true))
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const result = new Promise<RunResult & {ms: number}>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({code, ms: Date.now() - started, stderr, stdout}))
  })
  child.stdin.end()
  onSpawn?.(child)
  const stderrMatches = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stderr)) return
        child.stderr.off('data', check)
        resolve()
      }

      const gone = () => reject(new Error(`the CLI exited (${child.exitCode ?? child.signalCode}) before its stderr matched ${pattern}: ${stderr}`))
      // Registered after the collector above, so `stderr` already holds the chunk when this runs.
      child.stderr.on('data', check)
      child.once('close', gone)
      check()
      if (closed) gone()
    })
  return Object.assign(result, {child, stderrMatches})
}

/** Runs every case, a few at a time, and returns the failures as readable lines. */
export async function runCases<T>(cases: Array<[string, T]>, limit: number, check: (input: T) => Promise<void>): Promise<string[]> {
  const outcomes = await mapLimit(cases, limit, ([name, input]) =>
    check(input).then(
      () => undefined,
      (error: unknown) => `${name}: ${(error as Error).message}`,
    ),
  )
  return outcomes.filter((outcome): outcome is string => outcome !== undefined)
}
