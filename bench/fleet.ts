// The fleet benchmark of `npm run bench` (#15): BENCH_FLEET Pages (default 5,000) linked at Vonage,
// a sandbox that allows BENCH_RPS requests a second on each API (default 100) with 20 ms latency,
// then `messenger:relink --all` and `messenger:status` over the whole fleet: wall time against the
// time the rate limit alone needs (accepted requests ÷ RPS), the requests made, the 429s met, and
// the CLI's peak RSS (getrusage of the child, through python3, as the start-up table does).
import {spawn} from 'node:child_process'

import {startSandbox} from '../sandbox/server.js'

export interface FleetRun {
  name: string
  /** The API whose rate limit bounds it. */
  api: 'vonage' | 'graph'
  code: number | null
  wallMs: number
  /** Requests the service accepted (429s not counted), per API. */
  accepted: {vonage: number; graph: number}
  rateLimited: {vonage: number; graph: number}
  /** Wall time ÷ (accepted requests to `api` ÷ RPS). */
  ratio: number
  rssMiB?: number
  lines: number
  failures: string
}

export interface FleetResults {
  pages: number
  rps: number
  latencyMs: number
  runs: FleetRun[]
}

interface Stats {
  requests: {vonage: number; graph: number}
  rate_limited: {vonage: number; graph: number}
}

const RSS_PROBE =
  'import resource,subprocess,sys; r=subprocess.run(sys.argv[1:]); sys.stderr.write("\\nRSS_KIB=%d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)'

export async function fleetBench(bin: string, home: string, log: (line: string) => void): Promise<FleetResults> {
  const pages = Number(process.env.BENCH_FLEET ?? 5000)
  const rps = Number(process.env.BENCH_RPS ?? 100)
  const latencyMs = 20
  const sandbox = await startSandbox({latency: latencyMs, port: 0, rateLimit: rps})
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : {'content-type': 'application/json'},
      method,
    })
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
    return response.json()
  }

  const user = 'BENCH-FLEET-USER'
  const basic = `Basic ${Buffer.from('sandbox-key:sandbox-secret').toString('base64')}`
  const app = await fetch(`${sandbox.url}/v2/applications`, {
    body: JSON.stringify({capabilities: {messages: {webhooks: {}}}, name: 'fleet'}),
    headers: {authorization: basic, 'content-type': 'application/json'},
    method: 'POST',
  }).then((response) => response.json() as Promise<{id: string}>)
  await call('POST', '/_sandbox/facebook/users', {link: {application: app.id}, page_count: pages, user_token: user})
  // the user logs in again: every Page has a fresh token to re-link with
  await call('POST', '/_sandbox/facebook/users', {page_count: pages, user_token: user})
  const env = {
    ...process.env,
    FACEBOOK_GRAPH_HOST: sandbox.url,
    FACEBOOK_USER_TOKEN: user,
    HOME: home,
    VONAGE_API_HOST: sandbox.url,
    VONAGE_API_KEY: 'sandbox-key',
    VONAGE_API_SECRET: 'sandbox-secret',
  }

  const runs: FleetRun[] = []
  async function measure(name: string, api: 'vonage' | 'graph', args: string[]): Promise<void> {
    const before = (await call('GET', '/_sandbox/stats')) as Stats
    const started = process.hrtime.bigint()
    const child = spawn('python3', ['-c', RSS_PROBE, process.execPath, bin, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6
    const after = (await call('GET', '/_sandbox/stats')) as Stats
    const delta = (key: 'vonage' | 'graph') => ({
      accepted: after.requests[key] - before.requests[key] - (after.rate_limited[key] - before.rate_limited[key]),
      limited: after.rate_limited[key] - before.rate_limited[key],
    })
    const rss = /RSS_KIB=(\d+)/.exec(stderr)
    const lines = stdout.split('\n').filter((line) => line.trim() !== '').length
    const run: FleetRun = {
      accepted: {graph: delta('graph').accepted, vonage: delta('vonage').accepted},
      api,
      code,
      failures: stderr
        .split('\n')
        .filter((line) => line.startsWith('Error:'))
        .join(' '),
      lines,
      name,
      rateLimited: {graph: delta('graph').limited, vonage: delta('vonage').limited},
      ratio: 0,
      rssMiB: rss ? Number(rss[1]) / 1024 : undefined,
      wallMs,
    }
    run.ratio = wallMs / 1000 / (run.accepted[api] / rps)
    runs.push(run)
    log(
      `${name}: exit ${code}, ${(wallMs / 1000).toFixed(1)} s, ${run.accepted.vonage} Vonage + ${run.accepted.graph} Graph requests accepted, ${run.rateLimited.vonage + run.rateLimited.graph} 429s, ${run.ratio.toFixed(3)}× the rate limit's time, peak RSS ${run.rssMiB?.toFixed(1)} MiB`,
    )
  }

  log(`fleet: ${pages} Pages, ${rps} requests/s on each API, ${latencyMs} ms latency …`)
  await measure(`messenger:relink --all, ${pages} Pages`, 'vonage', ['messenger:relink', '--all'])
  await measure(`messenger:status, ${pages} Pages`, 'graph', ['messenger:status', '--json'])
  await measure(`messenger:relink --all --expiring-within 30, ${pages} Pages (nothing due)`, 'graph', [
    'messenger:relink',
    '--all',
    '--expiring-within',
    '30',
  ])
  const {violations} = (await call('GET', '/_sandbox/state')) as {violations: unknown[]}
  await sandbox.close()
  if (violations.length > 0)
    throw new Error(`the fleet benchmark broke the API contract: ${JSON.stringify(violations[0])}`)
  return {latencyMs, pages, rps, runs}
}

/** The fleet section of bench/results.md, with the #15 targets. */
export function fleetReport(results: FleetResults): string {
  const {runs} = results
  const row = (run: FleetRun) =>
    `| ${run.name} | ${run.code} | ${(run.wallMs / 1000).toFixed(1)} | ${run.accepted.vonage} | ${run.accepted.graph} | ${run.rateLimited.vonage} / ${run.rateLimited.graph} | ${run.ratio.toFixed(3)}× (${run.api}) | ${run.rssMiB?.toFixed(1) ?? '?'} |`
  const relink = runs[0]
  const status = runs[1]
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met')
  return `## A fleet: ${results.pages} Pages, ${results.rps} requests/s allowed on each API, ${results.latencyMs} ms latency

| run | exit | wall (s) | Vonage requests | Graph requests | 429s (Vonage / Graph) | wall ÷ (requests ÷ RPS) | peak RSS (MiB) |
|---|---|---|---|---|---|---|---|
${runs.map(row).join('\n')}

- #15: relink --all with 0 failures in ≤ 1.15 × (Vonage requests ÷ ${results.rps}) s: exit ${relink.code}, ${relink.lines} lines, ${relink.ratio.toFixed(3)}× — ${met(relink.code === 0 && relink.ratio <= 1.15)}; peak RSS ≤ 150 MiB: ${relink.rssMiB?.toFixed(1)} MiB — ${met((relink.rssMiB ?? 999) <= 150)}.
- #15: messenger:status bounded by the Graph rate limit (≤ 1.15 × Graph requests ÷ ${results.rps}): ${status.ratio.toFixed(3)}× — ${met(status.ratio <= 1.15)}; peak RSS ${status.rssMiB?.toFixed(1)} MiB (#15 bounds relink's; status keeps every row for its report).
`
}
