#!/usr/bin/env node
// A plain `jwt:generate` takes a bundled fast path that does not load oclif (see src/fast);
// everything else, and jwt:generate whenever the fast path declines, runs through oclif.
// NEXMO_MESSENGER_FAST=0 turns the fast path off (to compare the two).
let handled = false
if (process.argv[2] === 'jwt:generate' && process.env.NEXMO_MESSENGER_FAST !== '0') {
  const {runFast} = await import('../dist/fast/jwt-generate.js')
  const code = await runFast(process.argv.slice(3))
  if (code !== undefined) {
    process.exitCode = code
    handled = true
  }
}

if (!handled) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
