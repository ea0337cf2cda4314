#!/usr/bin/env node
// The standalone binary. jwt:generate and jwt:decode (jwt:validate) first try dist/fast.cjs, which
// does not load oclif (src/fast); everything else, and those whenever the fast path declines, runs
// through oclif in dist/cli.cjs, whose compiled code V8 keeps between runs (bin/load-cli.cjs).
// NEXMO_MESSENGER_FAST=0 turns the fast path off. CommonJS (bin/package.json), like what it loads:
// a process that never starts Node's ES module loader starts faster.
'use strict'
const {join} = require('node:path')

const FAST = new Set(['jwt:generate', 'jwt:decode', 'jwt:validate'])

async function main() {
  const [id, ...argv] = process.argv.slice(2)
  // help is oclif's: no need to load the fast path only to hear it decline (it declines help itself too)
  const help = argv.includes('--help') || argv.includes('-h')
  if (FAST.has(id) && !help && process.env.NEXMO_MESSENGER_FAST !== '0') {
    const code = await require('../dist/fast.cjs').runFast(id, argv)
    if (code !== undefined) {
      process.exitCode = code
      return
    }
  }

  const {execute} = require('./load-cli.cjs').loadCli(join(__dirname, '..'))
  await execute({dir: join(__dirname, '..')})
}

main()
