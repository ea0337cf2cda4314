// `npm run bench`: start-up of the JWT commands and every command's --help next to bare Node, the
// node:crypto floor and the CLIs users have today (nexmo-cli 0.3.17, @vonage/cli 1.2.4); the
// packed plugin inside both hosts (bench/hosts.ts: start-up and install size); then the linking commands against
// the sandbox with 50 ms latency: wall time and requests made. Commands are alternated round by
// round so that a busy moment hurts them all alike; medians and ratios come from this one run.
// Then a fleet of 5,000 Pages under a rate limit (bench/fleet.ts). Writes bench/results.md.
// BENCH_ROUNDS (default 15) sets the rounds; BENCH_ONLY=fleet, =linking or =startup runs (and prints) only that part.
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {generateKeyPairSync} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {cpus, release} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {startSandbox} from '../sandbox/server.js'
import {fleetBench, fleetReport} from './fleet.js'
import {type Install, prepareHosts} from './hosts.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CACHE = join(ROOT, 'bench', '.cache')
const BIN = join(ROOT, 'bin', 'run.js')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15)
const APP = '2f5d8a3c-0b3e-4c55-9a7e-1d2b3c4d5e6f'
const log = (line: string) => process.stderr.write(`${line}\n`)

function prepare(): {key: string; nexmo: string; vonage: string} {
  if (!existsSync(join(ROOT, 'dist', 'fast', 'jwt-generate.js')))
    execFileSync('npm', ['run', 'build'], {cwd: ROOT, stdio: 'inherit'})
  mkdirSync(CACHE, {recursive: true})
  const install = (spec: string, folder: string, bin: string) => {
    const path = join(CACHE, folder, 'node_modules', '.bin', bin)
    if (!existsSync(path)) {
      log(`installing ${spec} into bench/.cache/${folder} …`)
      execFileSync('npm', ['install', '--prefix', join(CACHE, folder), '--no-audit', '--no-fund', '--silent', spec], {
        stdio: 'inherit',
      })
    }

    return path
  }

  const key = join(CACHE, 'bench.key')
  const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  writeFileSync(key, privateKey.export({format: 'pem', type: 'pkcs8'}), {mode: 0o600})
  return {
    key,
    nexmo: install('nexmo-cli@0.3.17', 'nexmo-cli', 'nexmo'),
    vonage: install('@vonage/cli@1.2.4', 'vonage-cli', 'vonage'),
  }
}

interface Timed {
  name: string
  argv: string[]
  env?: Record<string, string>
  times: number[]
  rss?: number
  failed?: string
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length % 2
    ? sorted[(sorted.length - 1) / 2]
    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2
}

/** Peak RSS of one run of the command, in MiB, from getrusage of the child (python3 reports it). */
function peakRss(argv: string[], env: NodeJS.ProcessEnv): number | undefined {
  const probe =
    'import resource,subprocess,sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)'
  const result = spawnSync('python3', ['-c', probe, ...argv], {encoding: 'utf8', env})
  return result.status === 0 ? Number(result.stdout.trim()) / 1024 : undefined
}

function startup(commands: Timed[]): void {
  const home = join(CACHE, 'home')
  mkdirSync(home, {recursive: true})
  const envOf = (command: Timed) => ({...process.env, HOME: home, ...command.env})
  for (const command of commands) {
    const check = spawnSync(command.argv[0], command.argv.slice(1), {encoding: 'utf8', env: envOf(command)})
    if (check.status !== 0)
      command.failed = `exit ${check.status}: ${(check.stderr || check.stdout).trim().split('\n')[0]}`
  }

  for (let round = -2; round < ROUNDS; round += 1) {
    for (const command of commands) {
      if (command.failed) continue
      const started = process.hrtime.bigint()
      spawnSync(command.argv[0], command.argv.slice(1), {env: envOf(command), stdio: 'ignore'})
      if (round >= 0) command.times.push(Number(process.hrtime.bigint() - started) / 1e6)
    }
  }

  for (const command of commands) if (!command.failed) command.rss = peakRss(command.argv, envOf(command))
}

interface Scenario {
  name: string
  wall: number[]
  vonage: number
  graph: number
}

async function network(): Promise<Scenario[]> {
  const sandbox = await startSandbox({latency: 50, port: 0})
  const api = async (method: string, path: string, body?: unknown, auth?: string) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        ...(body === undefined ? {} : {'content-type': 'application/json'}),
        ...(auth ? {authorization: auth} : {}),
      },
      method,
    })
    return response.status === 204 ? undefined : response.json()
  }

  const basic = `Basic ${Buffer.from('sandbox-key:sandbox-secret').toString('base64')}`
  const pages = Array.from({length: 100}, (_, index) => ({id: String(1000 + index), name: `Page ${index}`}))
  const seed = async () =>
    (
      (await api('POST', '/_sandbox/facebook/users', {pages, user_token: 'BENCH-USER'})) as {
        pages: Array<{id: string; access_token: string}>
      }
    ).pages
  const env = {
    FACEBOOK_GRAPH_HOST: sandbox.url,
    FACEBOOK_USER_TOKEN: 'BENCH-USER',
    VONAGE_API_HOST: sandbox.url,
    VONAGE_API_KEY: 'sandbox-key',
    VONAGE_API_SECRET: 'sandbox-secret',
  }
  const run = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<number>((done, fail) => {
      const started = process.hrtime.bigint()
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {...process.env, ...env, ...extra, HOME: join(CACHE, 'home')},
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (chunk) => (stderr += chunk))
      child.on('close', (code) =>
        code === 0
          ? done(Number(process.hrtime.bigint() - started) / 1e6)
          : fail(new Error(`${args.join(' ')}: exit ${code}: ${stderr.trim()}`)),
      )
    })

  const scenarios: Scenario[] = []
  async function measure(
    name: string,
    setUp: () => Promise<Record<string, string>>,
    args: string[],
    repeats = 3,
  ): Promise<void> {
    const scenario: Scenario = {graph: 0, name, vonage: 0, wall: []}
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      const extra = await setUp()
      const before = ((await api('GET', '/_sandbox/state')) as {log: unknown[]}).log.length
      scenario.wall.push(await run(args, extra))
      const entries = ((await api('GET', '/_sandbox/state')) as {log: Array<{path: string}>}).log.slice(before)
      scenario.graph = entries.filter((entry) => /^\/v\d+\.\d+\//.test(entry.path)).length
      scenario.vonage = entries.length - scenario.graph
    }

    scenarios.push(scenario)
    log(
      `${name}: median ${median(scenario.wall).toFixed(0)} ms, ${scenario.vonage} Vonage + ${scenario.graph} Graph requests`,
    )
  }

  await api('POST', '/_sandbox/reset')
  let tokens = await seed()
  const app = (await api('POST', '/v2/applications', {capabilities: {messages: {}}, name: 'bench'}, basic)) as {
    id: string
    keys: {private_key: string}
  }
  const jwtFor = () =>
    execFileSync(process.execPath, [BIN, 'jwt:generate', '-', `application_id=${app.id}`], {
      encoding: 'utf8',
      input: app.keys.private_key,
    }).trim()
  const unlinkFirst = async () => {
    await api('DELETE', `/beta/chatapp-accounts/messenger/${pages[0].id}`, undefined, basic)
    return {FACEBOOK_PAGE_TOKEN: tokens[0].access_token}
  }

  await measure('messenger:link, JWT given (--jwt)', async () => ({...(await unlinkFirst()), VONAGE_JWT: jwtFor()}), [
    'messenger:link',
    '--page-id',
    pages[0].id,
  ])
  await measure('messenger:link, API key and secret (Basic)', unlinkFirst, ['messenger:link', '--page-id', pages[0].id])
  await measure('messenger:link --temp-app (temporary application)', unlinkFirst, [
    'messenger:link',
    '--page-id',
    pages[0].id,
    '--temp-app',
  ])
  await measure(
    'messenger:relink of one Page (user token, JWT given)',
    async () => {
      tokens = await seed()
      return {VONAGE_JWT: jwtFor()}
    },
    ['messenger:relink', '--page', pages[0].id],
  )
  for (const page of tokens.slice(1))
    await api(
      'POST',
      '/beta/chatapp-accounts/messenger',
      {access_token: page.access_token, external_id: page.id},
      basic,
    )
  for (const concurrency of [undefined, 4]) {
    await measure(
      `messenger:relink --all, 100 Pages, ${concurrency === undefined ? 'default (adaptive, up to 32)' : `--concurrency ${concurrency}`}`,
      async () => {
        tokens = await seed()
        return {VONAGE_JWT: jwtFor()}
      },
      ['messenger:relink', '--all', ...(concurrency === undefined ? [] : ['--concurrency', String(concurrency)])],
      3,
    )
  }

  const applications =
    ((await api('GET', '/v2/applications', undefined, basic)) as {_embedded?: {applications?: unknown[]}})._embedded
      ?.applications?.length ?? 0
  if (applications !== 1) throw new Error(`the benchmark left ${applications - 1} application(s) besides its own`)

  const {violations} = (await api('GET', '/_sandbox/state')) as {violations: unknown[]}
  if (violations.length > 0) throw new Error(`the benchmark broke the API contract: ${JSON.stringify(violations[0])}`)
  await sandbox.close()
  return scenarios
}

function hostSection(commands: Timed[], installs: Install[]): {markdown: string; targets: string[]} {
  const rows: string[] = []
  const targets: string[] = []
  for (const host of ['nexmo', 'vonage']) {
    const own = commands.filter((command) => command.name.startsWith(`${host} `))
    const version = own.find((command) => command.name.endsWith('--version'))!
    const base = median(version.times)
    for (const command of own) {
      if (command.failed) {
        rows.push(`| ${command.name} | failed: ${command.failed} | | |`)
        continue
      }

      const ratio = median(command.times) / base
      rows.push(
        `| \`${command.name}\` | ${median(command.times).toFixed(1)} | ${ratio.toFixed(2)}× | ${command.rss?.toFixed(1) ?? '?'} |`,
      )
      if (/jwt:(generate|decode)$/.test(command.name))
        targets.push(
          `\`${command.name}\` ≤ 1.25× \`${host} --version\`: ${ratio.toFixed(2)}× — ${ratio <= 1.25 ? 'met' : 'NOT met'}`,
        )
    }
  }

  const sizes = installs.map(
    (install) => `| ${install.host} | ${(install.bytes / 1e6).toFixed(2)} MB | ${install.packages} |`,
  )
  for (const install of installs)
    targets.push(
      `installed into ${install.host}: ${(install.bytes / 1e6).toFixed(2)} MB (≤ 8), ${install.packages} package(s) (≤ 30) — ${install.bytes <= 8e6 && install.packages <= 30 ? 'met' : 'NOT met'}`,
    )
  return {
    markdown: `## Inside the hosts (the packed plugin installed; wall time, ms)

| command | median | vs the host's \`--version\` | peak RSS (MiB) |
|---|---|---|---|
${rows.join('\n')}

## Installed size (\`HOST plugins:install file:….tgz\`: the host's plugin node_modules)

| host | on disk (apparent size) | packages |
|---|---|---|
${sizes.join('\n')}
`,
    targets,
  }
}

/** #13's targets, from the linking scenarios (none when only start-up was measured). */
function linkingTargets(scenarios: Scenario[]): string {
  if (scenarios.length === 0) return ''
  const all = scenarios.filter((scenario) => scenario.name.includes('--all'))
  const byName = (part: string) => scenarios.find((scenario) => scenario.name.includes(part))!
  const adaptive = byName('default (adaptive')
  return `- #13: messenger:link with API credentials: 1 Vonage request, no application: ${byName('Basic').vonage} — ${byName('Basic').vonage === 1 ? 'met' : 'NOT met'}; with a JWT: ${byName('--jwt').vonage}; --temp-app (create, link, delete): ${byName('--temp-app').vonage}.
- #13: messenger:relink of one Page: 1 Vonage request: ${byName('relink of one').vonage} — ${byName('relink of one').vonage === 1 ? 'met' : 'NOT met'}.
- #13: relink --all over 100 Pages at default settings ≤ 1.0 s and ≤ 102 Vonage requests: ${(median(adaptive.wall) / 1000).toFixed(2)} s, ${adaptive.vonage} requests — ${median(adaptive.wall) <= 1000 && adaptive.vonage <= 102 ? 'met' : 'NOT met'}${all
    .filter((scenario) => scenario !== adaptive)
    .map(
      (scenario) =>
        `; ${scenario.name.replace('messenger:relink --all, 100 Pages, ', '')}: ${(median(scenario.wall) / 1000).toFixed(2)} s`,
    )
    .join('')}.
`
}

function report(commands: Timed[], scenarios: Scenario[], hosts: {markdown: string; targets: string[]}): string {
  const base = median(commands[0].times)
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {cwd: ROOT, encoding: 'utf8'}).stdout.trim()
  const ms = (value: number) => value.toFixed(1)
  const standalone = commands.filter((command) => !/^(nexmo|vonage) /.test(command.name))
  const rows = standalone.map((command) => {
    if (command.failed) return `| ${command.name} | failed: ${command.failed} | | | | |`
    const mid = median(command.times)
    return `| ${command.name} | ${ms(Math.min(...command.times))} | ${ms(mid)} | ${ms(Math.max(...command.times))} | ${(mid / base).toFixed(2)}× | ${command.rss?.toFixed(1) ?? '?'} |`
  })
  const generate = commands.find((command) => command.name.startsWith('our jwt:generate'))!
  const ratio = median(generate.times) / base
  const helps = standalone.filter((command) => command.name.endsWith(' --help`') && !command.env)
  const slowestHelp = helps.reduce((worst, command) => (median(command.times) > median(worst.times) ? command : worst))
  const helpRatio = median(slowestHelp.times) / base
  const ours = standalone.filter((command) => command.name.startsWith('our ') || command.name.startsWith('`our '))
  // each command as it runs every time (the first run, compiling anew, is shown on its own)
  const firstRun = ours.find((command) => command.name.includes('first run'))
  const heaviest = ours
    .filter((command) => command !== firstRun)
    .reduce((worst, command) => ((command.rss ?? 0) > (worst.rss ?? 0) ? command : worst))
  return `# Benchmark results

${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}: Node ${process.version}, Linux ${release()}, ${cpus().length} × ${cpu}.
Made by \`npm run bench\` (${ROUNDS} alternating rounds after 2 warm-up rounds; peak RSS from one more run).

## Start-up (wall time, ms)

| command | min | median | max | vs \`node -e 0\` | peak RSS (MiB) |
|---|---|---|---|---|---|
${rows.join('\n')}

${hosts.markdown}
## Linking against the sandbox (50 ms latency per request)

| scenario | median wall (ms) | Vonage requests | Graph requests |
|---|---|---|---|
${scenarios.map((scenario) => `| ${scenario.name} | ${median(scenario.wall).toFixed(0)} | ${scenario.vonage} | ${scenario.graph} |`).join('\n')}

## Targets

- #16: standalone jwt:generate ≤ 1.3× \`node -e 0\`: ${ratio.toFixed(2)}× — ${ratio <= 1.3 ? 'met' : 'NOT met'}; every other command's --help ≤ 1.8×: the slowest, ${slowestHelp.name}, ${helpRatio.toFixed(2)}× — ${helpRatio <= 1.8 ? 'met' : 'NOT met'}; peak RSS of each ≤ 55 MiB: the largest, ${heaviest.name}, ${heaviest.rss?.toFixed(1)} MiB — ${(heaviest.rss ?? 99) <= 55 ? 'met' : 'NOT met'} (the very first run, before any compiled code is kept: ${firstRun?.rss?.toFixed(1)} MiB).
${hosts.targets.map((line) => `- #16: ${line}.`).join('\n')}
- #7: jwt:generate ≤ 1.5× \`node -e 0\`: ${ratio.toFixed(2)}× — ${ratio <= 1.5 ? 'met' : 'NOT met'}; peak RSS ≤ 50 MiB: ${generate.rss?.toFixed(1)} MiB — ${(generate.rss ?? 99) <= 50 ? 'met' : 'NOT met'}.
${linkingTargets(scenarios)}`
}

const {key, nexmo, vonage} = prepare()
const token = execFileSync(process.execPath, [BIN, 'jwt:generate', key, `application_id=${APP}`], {
  encoding: 'utf8',
}).trim()
const commands: Timed[] = [
  {argv: [process.execPath, '-e', '0'], name: '`node -e 0`', times: []},
  {
    argv: [process.execPath, join(ROOT, 'bench', 'floor.mjs'), key, `application_id=${APP}`],
    name: 'node:crypto RS256 script (the floor)',
    times: [],
  },
  {argv: [BIN, 'jwt:generate', key, `application_id=${APP}`], name: 'our jwt:generate', times: []},
  {
    argv: [BIN, 'jwt:generate', key, `application_id=${APP}`],
    env: {NEXMO_MESSENGER_FAST: '0'},
    name: 'our jwt:generate through oclif (fast path off)',
    times: [],
  },
  {argv: [BIN, 'jwt:decode', token], name: 'our jwt:decode', times: []},
  {argv: [BIN, '--version'], name: 'our --version', times: []},
  {argv: [BIN, '--help'], name: 'our --help', times: []},
  ...Object.keys((JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: object}).commands)
    .sort()
    .map((id) => ({argv: [BIN, id, '--help'], name: `\`our ${id} --help\``, times: []})),
  {
    argv: [BIN, 'messenger:list', '--help'],
    // a cache folder that cannot be made: compiled from scratch, as on the very first run
    env: {XDG_CACHE_HOME: '/dev/null/none'},
    name: 'our messenger:list --help, first run (no compiled code kept yet)',
    times: [],
  },
  {argv: [nexmo, 'jwt:generate', key, `application_id=${APP}`], name: 'nexmo-cli 0.3.17 jwt:generate', times: []},
  {argv: [vonage, 'jwt', `--key_file=${key}`, `--app_id=${APP}`], name: '@vonage/cli 1.2.4 jwt', times: []},
]
const fleetHome = join(CACHE, 'home')
mkdirSync(fleetHome, {recursive: true})
if (process.env.BENCH_ONLY === 'fleet') {
  // a quick look at the fleet alone: printed, bench/results.md left as it is
  process.stdout.write(fleetReport(await fleetBench(BIN, fleetHome, log)))
} else if (process.env.BENCH_ONLY === 'linking') {
  // the linking scenarios alone, likewise
  await network()
} else if (process.env.BENCH_ONLY === 'startup') {
  // start-up and install size alone, likewise (the linking rows are left out)
  const hosts = prepareHosts(ROOT, CACHE, vonage, key, APP, token, log)
  commands.push(...hosts.commands)
  startup(commands)
  process.stdout.write(report(commands, [], hostSection(commands, hosts.installs)))
} else {
  const hosts = prepareHosts(ROOT, CACHE, vonage, key, APP, token, log)
  commands.push(...hosts.commands)
  log(`start-up: ${commands.length} commands × ${ROUNDS} rounds …`)
  startup(commands)
  const hostReport = hostSection(commands, hosts.installs)
  const scenarios = await network()
  const markdown = `${report(commands, scenarios, hostReport)}\n${fleetReport(await fleetBench(BIN, fleetHome, log))}`
  writeFileSync(join(ROOT, 'bench', 'results.md'), markdown)
  process.stdout.write(markdown)
}
