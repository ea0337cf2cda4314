// `npm run sandbox -- --port 4010 [--latency MS] [--api-key K] [--api-secret S] [--no-patch] [--rate-limit RPS]`:
// serves until killed.
import {parseArgs} from 'node:util'

import {startSandbox} from './server.js'

const usage =
  'usage: npm run sandbox -- [--port N] [--latency MS] [--api-key KEY] [--api-secret SECRET] [--no-patch] [--rate-limit RPS]'

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0) {
    process.stderr.write(`sandbox: --${name} must be a whole number, not "${value}"\n${usage}\n`)
    process.exit(2)
  }

  return parsed
}

/** --rate-limit: requests per second per API, any positive number (0.5 = one every two seconds). */
function rate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    process.stderr.write(
      `sandbox: --rate-limit must be a positive number of requests per second, not "${value}"\n${usage}\n`,
    )
    process.exit(2)
  }

  return parsed
}

let values
try {
  ;({values} = parseArgs({
    options: {
      'api-key': {type: 'string'},
      'api-secret': {type: 'string'},
      help: {type: 'boolean'},
      latency: {type: 'string'},
      'no-patch': {type: 'boolean'},
      port: {type: 'string'},
      'rate-limit': {type: 'string'},
    },
  }))
} catch (error) {
  process.stderr.write(`sandbox: ${(error as Error).message}\n${usage}\n`)
  process.exit(2)
}

if (values.help) {
  process.stdout.write(`${usage}\n`)
  process.exit(0)
}

try {
  const sandbox = await startSandbox({
    apiKey: values['api-key'],
    apiSecret: values['api-secret'],
    latency: number('latency', values.latency, 0),
    noPatch: values['no-patch'],
    port: number('port', values.port, 4010),
    rateLimit: rate(values['rate-limit']),
  })
  process.stdout.write(`sandbox listening on ${sandbox.url}\n`)
  // stdout stays the one line scripts read the URL from; the page's address is for the person.
  process.stderr.write(`linking page (log in, pick a Page, paste a JWT): ${sandbox.url}/messenger\n`)
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`sandbox: cannot stop: ${error.message}\n`)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  // npm does not pass SIGTERM on to the scripts it runs: when our parent goes away, stop too.
  const parent = process.ppid
  setInterval(() => process.ppid !== parent && stop(), 500).unref()
} catch (error) {
  process.stderr.write(`sandbox: cannot start: ${(error as Error).message}\n`)
  process.exit(1)
}
