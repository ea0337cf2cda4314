#!/usr/bin/env node
// The standalone binary. jwt:generate and jwt:decode (jwt:validate) first try dist/fast.js, which
// does not load oclif (src/fast); everything else, and those whenever the fast path declines, runs
// through oclif in dist/cli.cjs, whose compiled code V8 keeps between runs (bin/load-cli.cjs).
// NEXMO_MESSENGER_FAST=0 turns the fast path off.
import {createRequire} from 'node:module'

const [id, ...argv] = process.argv.slice(2)
let handled = false
if (['jwt:generate', 'jwt:decode', 'jwt:validate'].includes(id) && process.env.NEXMO_MESSENGER_FAST !== '0') {
  const {runFast} = await import('../dist/fast.js')
  const code = await runFast(id, argv)
  if (code !== undefined) {
    process.exitCode = code
    handled = true
  }
}

if (!handled) {
  const {loadCli} = createRequire(import.meta.url)('./load-cli.cjs')
  const {execute} = loadCli(new URL('..', import.meta.url).pathname)
  await execute({dir: import.meta.url})
}
